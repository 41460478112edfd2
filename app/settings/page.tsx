// Settings: API tokens for scripts (created and shown once, listed, revoked), researcher accounts
// (admins invite others), and the models registry.
import type { Metadata } from "next";
import Link from "next/link";
import { ResearcherPage } from "@/components/researcher/researcher-page";
import { ApiTokensPanel } from "@/components/workspace/api-tokens-panel";
import { ResearchersPanel } from "@/components/workspace/researchers-panel";
import styles from "@/components/workspace/workspace.module.css";
import { listApiTokens } from "@/lib/auth/api-tokens";
import { requireResearcherPage } from "@/lib/auth/current-researcher";
import { getPrisma } from "@/lib/db/database";
import { listResearchers } from "@/lib/researchers/list-researchers";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  return (
    <ResearcherPage path="/settings">
      <Settings />
    </ResearcherPage>
  );
}

async function Settings() {
  const researcher = await requireResearcherPage("/settings");
  const prisma = await getPrisma();
  const [tokens, researchers] = await Promise.all([listApiTokens(prisma, researcher.researcherId), listResearchers(prisma)]);
  return (
    <div className={`stack ${styles.settingsPage}`}>
      <h1>Settings</h1>
      <p className="muted small">
        Signed in as <strong>{researcher.email}</strong>
        {researcher.isAdmin ? " (admin)" : ""} · <Link href="/signin/password">Change password</Link> · <Link href="/models">Models registry</Link>
      </p>
      <ApiTokensPanel initial={tokens} />
      <ResearchersPanel initial={researchers} canInvite={researcher.isAdmin} currentId={researcher.researcherId} />
    </div>
  );
}
