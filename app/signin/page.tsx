import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SiteHeader } from "@/components/site-header";
import { getCurrentResearcher, safeNextPath } from "@/lib/auth/current-researcher";

export const metadata: Metadata = { title: "Researcher sign-in" };
export const dynamic = "force-dynamic";

const MESSAGES: Record<string, string> = {
  credentials: "The email or password is not right.",
  invalid: "Type your email and password.",
};

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** A plain HTML form (works without JavaScript) posting to /api/v1/auth/signin, which answers with a redirect. */
export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const next = safeNextPath(one(params.next));
  const researcher = await getCurrentResearcher();
  if (researcher) redirect(researcher.mustChangePassword ? `/signin/password?next=${encodeURIComponent(next)}` : next);
  const error = MESSAGES[one(params.error) ?? ""];
  return (
    <>
      <SiteHeader />
      <main className="page-narrow stack">
        <h1>Researcher sign-in</h1>
        {one(params.signedOut) ? <p className="notice">You are signed out.</p> : null}
        {error ? (
          <p className="notice error" role="alert">
            {error}
          </p>
        ) : null}
        <form className="card stack" method="post" action="/api/v1/auth/signin">
          <input type="hidden" name="next" value={next} />
          <div className="field">
            <label htmlFor="email">Email</label>
            <input id="email" name="email" type="email" autoComplete="username" required autoFocus />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required />
          </div>
          <button className="button block" type="submit">
            Sign in
          </button>
        </form>
        <p className="muted small">
          The first start of Parallax creates an admin account and prints its one-time password in the server&apos;s console (or uses
          PARALLAX_ADMIN_PASSWORD). Volunteers do not need an account: they join a study with its code.
        </p>
      </main>
    </>
  );
}
