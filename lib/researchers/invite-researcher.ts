// Inviting another researcher: an account with a one-time password (hashed like every password,
// shown to the inviter once) that must be changed at first sign-in. Only admins invite.
import { AppError } from "@/lib/api/app-error";
import { hashPassword } from "@/lib/auth/password-hash";
import { generateOneTimePassword } from "@/lib/auth/secret-tokens";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { InviteResearcherInput, InvitedResearcher } from "./researcher-schemas";
import { toResearcherAccount } from "./list-researchers";

export async function inviteResearcher(
  prisma: PrismaClient,
  inviterId: string,
  input: InviteResearcherInput,
  options: { hash?: (password: string) => Promise<string> } = {},
): Promise<InvitedResearcher> {
  const inviter = await prisma.researcher.findUnique({ where: { id: inviterId }, select: { isAdmin: true } });
  if (!inviter?.isAdmin) throw new AppError("forbidden", "Only an admin researcher may invite researchers.", { reason: "not_admin" });
  const email = input.email.trim().toLowerCase();
  if (await prisma.researcher.findUnique({ where: { email }, select: { id: true } })) {
    throw new AppError("conflict", `A researcher with the email ${email} exists already.`);
  }
  const oneTimePassword = generateOneTimePassword();
  const passwordHash = await (options.hash ?? hashPassword)(oneTimePassword);
  try {
    const row = await prisma.researcher.create({
      data: { email, name: input.name, passwordHash, isAdmin: input.isAdmin ?? false, mustChangePassword: true, invitedById: inviterId },
    });
    return { researcher: toResearcherAccount(row), oneTimePassword, signInPath: "/signin" };
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new AppError("conflict", `A researcher with the email ${email} exists already.`);
    throw error;
  }
}
