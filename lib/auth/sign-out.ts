// Ending the session behind the request's cookie (the caller has checked CSRF).
import type { PrismaClient } from "@/lib/db/generated/client";
import { readSessionCookie } from "./request-credentials";
import { deleteResearcherSession } from "./researcher-sessions";

export async function signOutRequest(prisma: PrismaClient, request: Request): Promise<void> {
  const token = readSessionCookie(request);
  if (token) await deleteResearcherSession(prisma, token);
}
