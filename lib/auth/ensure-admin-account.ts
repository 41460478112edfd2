// The first start of a fresh installation creates one admin researcher: email from
// PARALLAX_ADMIN_EMAIL, password from PARALLAX_ADMIN_PASSWORD or a one-time password printed to the
// console (to be changed at first sign-in). Idempotent: nothing happens once any researcher exists.
import type { PrismaClient } from "@/lib/db/generated/client";
import { hashPassword } from "./password-hash";
import { generateOneTimePassword } from "./secret-tokens";

export type AdminAccountResult = { created: boolean; email: string; oneTimePassword?: string };

export async function createAdminAccountIfMissing(
  prisma: PrismaClient,
  options: { email: string; password?: string; log?: (message: string) => void },
): Promise<AdminAccountResult> {
  const existing = await prisma.researcher.findFirst({ where: { isAdmin: true }, orderBy: { createdAt: "asc" }, select: { email: true } });
  if (existing) return { created: false, email: existing.email };
  if ((await prisma.researcher.count()) > 0) return { created: false, email: options.email };
  const oneTimePassword = options.password ? undefined : generateOneTimePassword();
  try {
    await prisma.researcher.create({
      data: {
        email: options.email.toLowerCase(),
        name: "Administrator",
        passwordHash: await hashPassword(options.password ?? oneTimePassword!),
        isAdmin: true,
        mustChangePassword: oneTimePassword !== undefined,
      },
    });
  } catch (error) {
    // Another process created it at the same moment (unique email): that account stands.
    if ((error as { code?: string }).code === "P2002") return { created: false, email: options.email };
    throw error;
  }
  const log = options.log ?? console.log;
  if (oneTimePassword) {
    log(
      [
        "",
        "┌──────────────────────────────────────────────────────────────────────",
        `│ Parallax created the researcher account ${options.email}`,
        `│ one-time password: ${oneTimePassword}`,
        "│ Sign in at /signin and choose a new password (it is shown only now).",
        "└──────────────────────────────────────────────────────────────────────",
        "",
      ].join("\n"),
    );
  } else {
    log(`Parallax created the researcher account ${options.email} (password from PARALLAX_ADMIN_PASSWORD).`);
  }
  return { created: true, email: options.email, oneTimePassword };
}

/** Server start-up step: make sure an admin account exists (see createAdminAccountIfMissing). */
export async function ensureAdminAccount(): Promise<AdminAccountResult> {
  const [{ getPrisma }, { getServerEnv }] = await Promise.all([import("@/lib/db/database"), import("@/lib/env/server-env")]);
  const env = getServerEnv();
  return createAdminAccountIfMissing(await getPrisma(), { email: env.PARALLAX_ADMIN_EMAIL, password: env.PARALLAX_ADMIN_PASSWORD });
}

/** The id of the first admin (the account PARALLAX_ADMIN_TOKEN acts as), creating it if missing. */
export async function getAdminResearcherId(prisma: PrismaClient, options: { email: string; password?: string }): Promise<string> {
  const find = () => prisma.researcher.findFirst({ where: { isAdmin: true }, orderBy: { createdAt: "asc" }, select: { id: true } });
  let admin = await find();
  if (!admin) {
    await createAdminAccountIfMissing(prisma, options);
    admin = await find();
  }
  if (!admin) throw new Error("No admin researcher exists and none could be created.");
  return admin.id;
}
