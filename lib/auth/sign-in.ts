// Signing a researcher in and out, and changing a password. Unknown emails cost the same scrypt
// time as wrong passwords, and both get the same answer.
import { z } from "zod";
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import { getDummyPasswordHash, hashPassword, verifyPassword } from "./password-hash";
import { createResearcherSession, type NewSession } from "./researcher-sessions";

export const MIN_PASSWORD_LENGTH = 10;

export const signInInputSchema = z.strictObject({
  email: z.string().trim().toLowerCase().min(3).max(320),
  password: z.string().min(1).max(1000),
});
export type SignInInput = z.infer<typeof signInInputSchema>;

export const changePasswordInputSchema = z.strictObject({
  currentPassword: z.string().min(1).max(1000),
  newPassword: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1000),
});
export type ChangePasswordInput = z.infer<typeof changePasswordInputSchema>;

export type SignedIn = { session: NewSession; researcher: { id: string; email: string; name: string; isAdmin: boolean; mustChangePassword: boolean } };

export async function signInResearcher(prisma: PrismaClient, input: SignInInput): Promise<SignedIn> {
  const researcher = await prisma.researcher.findUnique({ where: { email: input.email } });
  const valid = await verifyPassword(input.password, researcher?.passwordHash ?? (await getDummyPasswordHash()));
  if (!researcher || !valid) throw new AppError("unauthorized", "The email or password is not right.", { reason: "bad_credentials" });
  const session = await createResearcherSession(prisma, researcher.id);
  return {
    session,
    researcher: { id: researcher.id, email: researcher.email, name: researcher.name, isAdmin: researcher.isAdmin, mustChangePassword: researcher.mustChangePassword },
  };
}

export async function changeResearcherPassword(prisma: PrismaClient, researcherId: string, input: ChangePasswordInput): Promise<void> {
  const researcher = await prisma.researcher.findUnique({ where: { id: researcherId } });
  if (!researcher || !(await verifyPassword(input.currentPassword, researcher.passwordHash))) {
    throw new AppError("forbidden", "The current password is not right.", { reason: "bad_credentials" });
  }
  if (input.newPassword === input.currentPassword) {
    throw new AppError("validation_failed", "Choose a password different from the current one.", [{ path: "newPassword", message: "must differ from the current password" }]);
  }
  await prisma.researcher.update({
    where: { id: researcherId },
    data: { passwordHash: await hashPassword(input.newPassword), mustChangePassword: false },
  });
}
