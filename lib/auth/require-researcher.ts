// Route-handler guards over the server's database and configuration:
// `const { researcherId } = await requireResearcher(request)` / `await requireDevice(request)`.
import "server-only";
import { AppError } from "@/lib/api/app-error";
import { getPrisma } from "@/lib/db/database";
import { getServerEnv } from "@/lib/env/server-env";
import { authenticateDevice, authenticateResearcher, type AuthOptions, type DeviceAuth, type ResearcherAuth } from "./authenticate-request";
import { readBearerToken } from "./request-credentials";
import { hashSecretToken } from "./secret-tokens";
import { cacheDeviceAuth, getCachedDeviceAuth } from "./device-auth-cache";

function authOptions(): AuthOptions {
  const env = getServerEnv();
  return { adminToken: env.PARALLAX_ADMIN_TOKEN, adminEmail: env.PARALLAX_ADMIN_EMAIL, adminPassword: env.PARALLAX_ADMIN_PASSWORD };
}

/** A researcher's session cookie (with CSRF check on writes), API token or the admin token; else 401 (403 for a device token). */
export async function requireResearcher(request: Request, options: { csrfToken?: string } = {}): Promise<ResearcherAuth> {
  return authenticateResearcher(await getPrisma(), request, { ...authOptions(), ...options });
}

/** A volunteer device's token; else 401 (403 for a researcher token). */
export async function requireDevice(request: Request): Promise<DeviceAuth> {
  const bearer = readBearerToken(request);
  const key = bearer === undefined ? undefined : hashSecretToken(bearer);
  const cached = key === undefined ? undefined : getCachedDeviceAuth(key);
  if (cached) return cached;
  const auth = await authenticateDevice(await getPrisma(), request, authOptions());
  if (key !== undefined) cacheDeviceAuth(key, auth);
  return auth;
}

/** requireResearcher, and the researcher must be an admin. */
export async function requireAdmin(request: Request): Promise<ResearcherAuth> {
  const auth = await requireResearcher(request);
  const prisma = await getPrisma();
  const researcher = await prisma.researcher.findUnique({ where: { id: auth.researcherId }, select: { isAdmin: true } });
  if (!researcher?.isAdmin) throw new AppError("forbidden", "Only an admin researcher may do this.", { reason: "not_admin" });
  return auth;
}
