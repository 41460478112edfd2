// Who is calling: a researcher (session cookie, API token, or the PARALLAX_ADMIN_TOKEN) or a
// volunteer's device (device token). Researcher endpoints answer 401 without credentials and 403
// for a device token; device endpoints answer 403 for a researcher token. Cookie-authenticated
// writes must carry the session's CSRF token in the X-CSRF-Token header.
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import { getAdminResearcherId } from "./ensure-admin-account";
import { findResearcherSession } from "./researcher-sessions";
import { CSRF_HEADER, isSafeMethod, readBearerToken, readSessionCookie, UNAUTHORIZED_HEADERS } from "./request-credentials";
import { DEVICE_TOKEN_PREFIX, hashSecretToken, secretsEqual } from "./secret-tokens";

export type ResearcherAuth = { researcherId: string; via: "session" | "token" | "admin-token" };
export type DeviceAuth = { deviceId: string; studyId: string };

export type AuthOptions = {
  /** PARALLAX_ADMIN_TOKEN, when set. */
  adminToken?: string;
  /** Used to create the admin account if the admin token is used before it exists. */
  adminEmail: string;
  adminPassword?: string;
  now?: Date;
};

const TOKEN_LAST_USED_RESOLUTION_MS = 60_000;

function unauthorized(message: string, reason: string): AppError {
  return new AppError("unauthorized", message, { reason }, UNAUTHORIZED_HEADERS);
}

const adminIds = new WeakMap<PrismaClient, Promise<string>>();
function cachedAdminResearcherId(prisma: PrismaClient, options: AuthOptions): Promise<string> {
  let id = adminIds.get(prisma);
  if (!id) {
    id = getAdminResearcherId(prisma, { email: options.adminEmail, password: options.adminPassword });
    id.catch(() => adminIds.delete(prisma));
    adminIds.set(prisma, id);
  }
  return id;
}

async function isDeviceToken(prisma: PrismaClient, token: string): Promise<boolean> {
  if (token.startsWith(DEVICE_TOKEN_PREFIX)) return true;
  return (await prisma.device.count({ where: { tokenHash: hashSecretToken(token) } })) > 0;
}

/**
 * `csrfToken` stands in for the X-CSRF-Token header when a plain HTML form posted it as a field.
 */
export async function authenticateResearcher(prisma: PrismaClient, request: Request, options: AuthOptions & { csrfToken?: string }): Promise<ResearcherAuth> {
  const now = options.now ?? new Date();
  const bearer = readBearerToken(request);
  if (bearer !== undefined) {
    if (options.adminToken && secretsEqual(bearer, options.adminToken)) {
      return { researcherId: await cachedAdminResearcherId(prisma, options), via: "admin-token" };
    }
    const token = bearer.startsWith(DEVICE_TOKEN_PREFIX) ? null : await prisma.apiToken.findUnique({ where: { tokenHash: hashSecretToken(bearer) } });
    if (!token) {
      if (await isDeviceToken(prisma, bearer)) {
        throw new AppError("forbidden", "A device token cannot use researcher endpoints.", { reason: "device_token" });
      }
      throw unauthorized("The bearer token is not valid.", "invalid_token");
    }
    if (token.revokedAt) throw unauthorized("This API token was revoked.", "revoked_token");
    if (token.expiresAt && token.expiresAt <= now) throw unauthorized("This API token has expired.", "expired_token");
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TOKEN_LAST_USED_RESOLUTION_MS) {
      await prisma.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
    }
    return { researcherId: token.researcherId, via: "token" };
  }
  const cookieToken = readSessionCookie(request);
  if (cookieToken === undefined) {
    throw unauthorized("Sign in, or send `Authorization: Bearer <token>` (create one with `npm run token -- create NAME`).", "missing_credentials");
  }
  const session = await findResearcherSession(prisma, cookieToken, now);
  if (!session) throw unauthorized("Your session has expired; sign in again.", "invalid_session");
  if (!isSafeMethod(request.method)) {
    const sent = request.headers.get(CSRF_HEADER) ?? options.csrfToken;
    if (!sent || !secretsEqual(sent, session.csrfToken)) {
      throw new AppError("forbidden", "This write needs the X-CSRF-Token header of your session (cookie parallax_csrf).", { reason: "csrf" });
    }
  }
  return { researcherId: session.researcherId, via: "session" };
}

export async function authenticateDevice(prisma: PrismaClient, request: Request, options: AuthOptions): Promise<DeviceAuth> {
  const bearer = readBearerToken(request);
  if (bearer === undefined) {
    throw unauthorized("Send the device token from POST /api/v1/join/{code} as `Authorization: Bearer <token>`.", "missing_credentials");
  }
  const device = await prisma.device.findUnique({ where: { tokenHash: hashSecretToken(bearer) }, select: { id: true, studyId: true, revokedAt: true } });
  if (!device) {
    const isResearcherToken =
      (options.adminToken !== undefined && secretsEqual(bearer, options.adminToken)) ||
      (await prisma.apiToken.count({ where: { tokenHash: hashSecretToken(bearer) } })) > 0;
    if (isResearcherToken) throw new AppError("forbidden", "This endpoint needs a device token, not a researcher token.", { reason: "researcher_token" });
    throw unauthorized("The device token is not valid; join the study again.", "invalid_token");
  }
  if (device.revokedAt) throw unauthorized("This device token was revoked; join the study again.", "revoked_token");
  return { deviceId: device.id, studyId: device.studyId };
}
