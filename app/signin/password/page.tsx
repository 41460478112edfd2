import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SiteHeader } from "@/components/site-header";
import { getCurrentResearcher, safeNextPath } from "@/lib/auth/current-researcher";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/sign-in";

export const metadata: Metadata = { title: "Choose a password" };
export const dynamic = "force-dynamic";

const MESSAGES: Record<string, string> = {
  current: "The current password is not right.",
  new: `The new password must have at least ${MIN_PASSWORD_LENGTH} characters and differ from the current one.`,
};

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ChangePasswordPage({ searchParams }: Props) {
  const params = await searchParams;
  const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const next = safeNextPath(one(params.next));
  const researcher = await getCurrentResearcher();
  if (!researcher) redirect(`/signin?next=${encodeURIComponent(`/signin/password?next=${next}`)}`);
  const error = MESSAGES[one(params.error) ?? ""];
  return (
    <>
      <SiteHeader />
      <main className="page-narrow stack">
        <h1>Choose a password</h1>
        {researcher.mustChangePassword ? (
          <p className="notice">You signed in with a one-time password. Choose your own password to continue.</p>
        ) : null}
        {error ? (
          <p className="notice error" role="alert">
            {error}
          </p>
        ) : null}
        <form className="card stack" method="post" action="/api/v1/auth/password">
          <input type="hidden" name="csrf" value={researcher.csrfToken} />
          <input type="hidden" name="next" value={next} />
          <input type="hidden" name="username" autoComplete="username" value={researcher.email} />
          <div className="field">
            <label htmlFor="currentPassword">Current password</label>
            <input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" required />
          </div>
          <div className="field">
            <label htmlFor="newPassword">New password</label>
            <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} required />
            <span className="muted small">At least {MIN_PASSWORD_LENGTH} characters.</span>
          </div>
          <button className="button block" type="submit">
            Save password
          </button>
        </form>
        <p className="muted small">Signed in as {researcher.email}.</p>
      </main>
    </>
  );
}
