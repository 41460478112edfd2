import { requireResearcherPage } from "@/lib/auth/current-researcher";
import { ResearcherHeader } from "./researcher-header";

/**
 * The frame of a researcher page: checks the session (visitors go to /signin and come back to
 * `path`), then renders the researcher header and the page's content. Every researcher page's
 * server component returns <ResearcherPage path="/studies/…">…</ResearcherPage>.
 */
export async function ResearcherPage({ path, children, wide = true }: { path: string; children: React.ReactNode; wide?: boolean }) {
  const researcher = await requireResearcherPage(path);
  return (
    <>
      <ResearcherHeader researcher={researcher} />
      <main className={wide ? "page stack" : "page-narrow stack"}>{children}</main>
    </>
  );
}
