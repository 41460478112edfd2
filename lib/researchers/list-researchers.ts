// The installation's researcher accounts, oldest first (all researchers share the studies).
import type { PrismaClient } from "@/lib/db/generated/client";
import type { ResearcherAccount } from "./researcher-schemas";

type ResearcherRow = { id: string; email: string; name: string; isAdmin: boolean; mustChangePassword: boolean; invitedById: string | null; createdAt: Date };

export function toResearcherAccount(row: ResearcherRow): ResearcherAccount {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    isAdmin: row.isAdmin,
    mustChangePassword: row.mustChangePassword,
    invitedById: row.invitedById,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listResearchers(prisma: PrismaClient): Promise<ResearcherAccount[]> {
  const rows = await prisma.researcher.findMany({ orderBy: { createdAt: "asc" } });
  return rows.map(toResearcherAccount);
}
