// API shapes of signing in and of the current researcher. Pure (zod only).
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
