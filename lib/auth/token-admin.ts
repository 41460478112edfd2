// Creating, listing and revoking API tokens from the command line: through a running server's API
// (when one holds the embedded database, or when --server is given), else directly in the
// database. Both give the same results.
import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import { apiTokenViewSchema, createApiToken, createdApiTokenSchema, listApiTokens, revokeApiToken, type ApiTokenView, type CreateApiTokenInput } from "./api-tokens";
import { createAdminAccountIfMissing } from "./ensure-admin-account";

export type CreatedToken = z.infer<typeof createdApiTokenSchema>;

export interface TokenAdmin {
  create(input: CreateApiTokenInput): Promise<CreatedToken>;
  list(): Promise<ApiTokenView[]>;
  revoke(id: string): Promise<ApiTokenView>;
}

/** Acts in the database as the researcher with `email` (default: the first admin, created if none exists). */
export async function createDirectTokenAdmin(
  prisma: PrismaClient,
  options: { email?: string; adminEmail: string; adminPassword?: string; log?: (message: string) => void },
): Promise<TokenAdmin> {
  await createAdminAccountIfMissing(prisma, { email: options.adminEmail, password: options.adminPassword, log: options.log });
  const researcher = options.email
    ? await prisma.researcher.findUnique({ where: { email: options.email.toLowerCase() }, select: { id: true } })
    : await prisma.researcher.findFirst({ where: { isAdmin: true }, orderBy: { createdAt: "asc" }, select: { id: true } });
  if (!researcher) throw new Error(`No researcher with the email ${options.email}.`);
  return {
    create: (input) => createApiToken(prisma, researcher.id, input),
    list: () => listApiTokens(prisma, researcher.id),
    revoke: (id) => revokeApiToken(prisma, researcher.id, id),
  };
}

export class TokenApiError extends Error {}

/** Acts through a server's /api/v1/tokens with a researcher token. */
export function createApiTokenAdmin(serverUrl: string, bearer: string, fetcher: typeof fetch = fetch): TokenAdmin {
  const base = serverUrl.replace(/\/+$/, "");
  async function call<S extends z.ZodType>(schema: S, path: string, init: RequestInit = {}): Promise<z.output<S>> {
    let response: Response;
    try {
      response = await fetcher(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json", ...init.headers } });
    } catch (error) {
      throw new TokenApiError(`cannot reach the server at ${base} (${(error as Error).message}).`);
    }
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!response.ok) throw new TokenApiError(`the server answered ${response.status}: ${body.error?.message ?? response.statusText}`);
    return schema.parse(body);
  }
  return {
    create: (input) => call(createdApiTokenSchema, "/api/v1/tokens", { method: "POST", body: JSON.stringify(input) }),
    list: async () => (await call(z.object({ tokens: z.array(apiTokenViewSchema) }), "/api/v1/tokens")).tokens,
    revoke: async (id) => (await call(z.object({ token: apiTokenViewSchema }), `/api/v1/tokens/${encodeURIComponent(id)}`, { method: "DELETE" })).token,
  };
}
