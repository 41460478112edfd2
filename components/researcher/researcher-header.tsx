import Link from "next/link";
import type { CurrentResearcher } from "@/lib/auth/current-researcher";

/** The top bar of every researcher page: where to go, who is signed in, and a way out. */
export function ResearcherHeader({ researcher }: { researcher: CurrentResearcher }) {
  return (
    <header className="site-header researcher-header">
      <Link href="/studies" className="brand">
        Parallax
      </Link>
      <nav aria-label="Researcher">
        <Link href="/studies">Studies</Link>
        <Link href="/models">Models</Link>
        <Link href="/settings">Settings</Link>
        <form method="post" action="/api/v1/auth/signout" className="inline-form">
          <input type="hidden" name="csrf" value={researcher.csrfToken} />
          <button type="submit" className="link-button" title={`Signed in as ${researcher.email}`}>
            Sign out
          </button>
        </form>
      </nav>
    </header>
  );
}
