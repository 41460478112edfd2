// API shapes of signing in, of the current researcher and of API tokens. Pure (zod only), so the
// workspace's browser code can check answers with them.
import { z } from "zod";

export const researcherViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  mustChangePassword: z.boolean(),
});

export const signedInSchema = z.object({
  researcher: researcherViewSchema,
  /** Send back as the X-CSRF-Token header on every cookie-authenticated write (also in the parallax_csrf cookie). */
  csrfToken: z.string(),
});

export const currentResearcherSchema = z.object({
  researcher: researcherViewSchema,
  via: z.enum(["session", "token", "admin-token"]),
});

export const okSchema = z.object({ ok: z.literal(true) });

export const createApiTokenInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** Days until the token stops working; omitted: never expires. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
  /** Seconds until the token stops working (short-lived tokens for CI); wins over expiresInDays. */
  expiresInSeconds: z.number().int().min(1).max(3650 * 86_400).optional(),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenInputSchema>;

export const apiTokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe("The first characters of the token, to recognise it"),
  researcherId: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiTokenView = z.infer<typeof apiTokenViewSchema>;

export const createdApiTokenSchema = apiTokenViewSchema.extend({
  token: z.string().describe("The secret; shown only in this response"),
});
