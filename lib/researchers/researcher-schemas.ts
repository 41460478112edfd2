// Researcher accounts as the workspace and the API show them (never a password hash), and the
// invitation of another researcher. Pure (zod only).
import { z } from "zod";
import { researcherViewSchema } from "@/lib/auth/auth-schemas";

/** An account as the researchers list shows it; mustChangePassword stays true until an invited researcher chose a password. */
export const researcherAccountSchema = researcherViewSchema.extend({
  invitedById: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type ResearcherAccount = z.infer<typeof researcherAccountSchema>;

export const inviteResearcherInputSchema = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  /** May the new researcher invite others and see every API token? */
  isAdmin: z.boolean().optional(),
});
export type InviteResearcherInput = z.infer<typeof inviteResearcherInputSchema>;

export const invitedResearcherSchema = z.object({
  researcher: researcherAccountSchema,
  oneTimePassword: z.string().describe("Shown only in this response; the new researcher must change it at first sign-in"),
  signInPath: z.string(),
});
export type InvitedResearcher = z.infer<typeof invitedResearcherSchema>;
