// A researcher as the API shows them (never the password hash).
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";

export async function describeResearcher(prisma: PrismaClient, researcherId: string) {
  const researcher = await prisma.researcher.findUnique({ where: { id: researcherId }, select: { id: true, email: true, name: true, isAdmin: true, mustChangePassword: true } });
  if (!researcher) throw new AppError("not_found", "This researcher no longer exists.");
  return researcher;
}
