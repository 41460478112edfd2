// The signed-in researcher for server components and pages (reads the session cookie through
// next/headers). Pages that need a researcher call requireResearcherPage(), which sends visitors to
// /signin and back. Client code sends the CSRF token (csrfToken here, or the parallax_csrf cookie)
// as the X-CSRF-Token header on every write.
import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getPrisma } from "@/lib/db/database";
import { findResearcherSession } from "./researcher-sessions";
import { SESSION_COOKIE } from "./request-credentials";

export type CurrentResearcher = {
  researcherId: string;
  email: string;
  name: string;
  isAdmin: boolean;
  mustChangePassword: boolean;
  csrfToken: string;
};

export async function getCurrentResearcher(): Promise<CurrentResearcher | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  const session = await findResearcherSession(await getPrisma(), token);
  if (!session) return null;
  const { researcherId, email, name, isAdmin, mustChangePassword, csrfToken } = session;
  return { researcherId, email, name, isAdmin, mustChangePassword, csrfToken };
}

/** Where a signed-in researcher lands by default. */
export const RESEARCHER_HOME = "/studies";

/** The current researcher, or a redirect to /signin?next=<nextPath> (and to the password change when due). */
export async function requireResearcherPage(nextPath: string): Promise<CurrentResearcher> {
  const researcher = await getCurrentResearcher();
  if (!researcher) redirect(`/signin?next=${encodeURIComponent(nextPath)}`);
  if (researcher.mustChangePassword) redirect(`/signin/password?next=${encodeURIComponent(nextPath)}`);
  return researcher;
}

/** Only same-site paths are followed after sign-in (no open redirects). */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return RESEARCHER_HOME;
  return next;
}
