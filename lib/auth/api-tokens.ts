// Researcher API tokens for scripts: created (the secret is returned once, only its hash is kept),
// listed, revoked. Shared by the API (/api/v1/tokens) and `npm run token`.
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { ApiTokenView, CreateApiTokenInput } from "./auth-schemas";
import { API_TOKEN_PREFIX, displayPrefix, generateSecretToken, hashSecretToken } from "./secret-tokens";

export { apiTokenViewSchema, createApiTokenInputSchema, createdApiTokenSchema, type ApiTokenView, type CreateApiTokenInput } from "./auth-schemas";

type ApiTokenRow = { id: string; name: string; prefix: string; researcherId: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null; revokedAt: Date | null };

function toView(row: ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    researcherId: row.researcherId,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export async function createApiToken(prisma: PrismaClient, researcherId: string, input: CreateApiTokenInput, now = new Date()) {
  const token = generateSecretToken(API_TOKEN_PREFIX);
  const row = await prisma.apiToken.create({
    data: {
      name: input.name,
      tokenHash: hashSecretToken(token),
      prefix: displayPrefix(token),
      researcherId,
      expiresAt: input.expiresInSeconds
        ? new Date(now.getTime() + input.expiresInSeconds * 1000)
        : input.expiresInDays
          ? new Date(now.getTime() + input.expiresInDays * 86_400_000)
          : null,
    },
  });
  return { ...toView(row), token };
}

/** A researcher's tokens (an admin sees everybody's), newest first. */
export async function listApiTokens(prisma: PrismaClient, researcherId: string): Promise<ApiTokenView[]> {
  const researcher = await prisma.researcher.findUnique({ where: { id: researcherId }, select: { isAdmin: true } });
  const rows = await prisma.apiToken.findMany({
    where: researcher?.isAdmin ? {} : { researcherId },
    orderBy: { createdAt: "desc" },
  });
  return rows.map(toView);
}

/** Revoke a token (idempotent). Researchers revoke their own; an admin any. */
export async function revokeApiToken(prisma: PrismaClient, researcherId: string, tokenId: string, now = new Date()): Promise<ApiTokenView> {
  const [researcher, token] = await Promise.all([
    prisma.researcher.findUnique({ where: { id: researcherId }, select: { isAdmin: true } }),
    prisma.apiToken.findUnique({ where: { id: tokenId } }),
  ]);
  if (!token || (token.researcherId !== researcherId && !researcher?.isAdmin)) {
    throw new AppError("not_found", `No API token with id ${tokenId}.`);
  }
  if (token.revokedAt) return toView(token);
  return toView(await prisma.apiToken.update({ where: { id: tokenId }, data: { revokedAt: now } }));
}
