// Researcher sign-in sessions: a random cookie token (only its hash is stored), a CSRF token for
// cookie-authenticated writes, fixed lifetime. Cookies are httpOnly and SameSite=Lax; Secure when
// the request came over HTTPS (phones on a LAN reach the server over plain HTTP).
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/db/generated/client";
import { CSRF_COOKIE, SESSION_COOKIE } from "./request-credentials";
import { generateSecretToken, hashSecretToken, SESSION_TOKEN_PREFIX } from "./secret-tokens";

export const SESSION_LIFETIME_MS = 30 * 24 * 3600 * 1000;
const LAST_SEEN_RESOLUTION_MS = 5 * 60 * 1000;

export type NewSession = { token: string; csrfToken: string; expiresAt: Date };

export async function createResearcherSession(prisma: PrismaClient, researcherId: string, now = new Date()): Promise<NewSession> {
  const token = generateSecretToken(SESSION_TOKEN_PREFIX);
  const csrfToken = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
  await prisma.researcherSession.create({ data: { tokenHash: hashSecretToken(token), csrfToken, researcherId, expiresAt } });
  return { token, csrfToken, expiresAt };
}

export type ActiveSession = { id: string; researcherId: string; csrfToken: string; isAdmin: boolean; email: string; name: string; mustChangePassword: boolean };

/** The unexpired session behind a cookie token, or null. */
export async function findResearcherSession(prisma: PrismaClient, token: string, now = new Date()): Promise<ActiveSession | null> {
  const session = await prisma.researcherSession.findUnique({
    where: { tokenHash: hashSecretToken(token) },
    include: { researcher: { select: { isAdmin: true, email: true, name: true, mustChangePassword: true } } },
  });
  if (!session || session.expiresAt <= now) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await prisma.researcherSession.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return {
    id: session.id,
    researcherId: session.researcherId,
    csrfToken: session.csrfToken,
    isAdmin: session.researcher.isAdmin,
    email: session.researcher.email,
    name: session.researcher.name,
    mustChangePassword: session.researcher.mustChangePassword,
  };
}

export async function deleteResearcherSession(prisma: PrismaClient, token: string): Promise<void> {
  await prisma.researcherSession.deleteMany({ where: { tokenHash: hashSecretToken(token) } });
}

function cookie(name: string, value: string, options: { maxAgeSeconds: number; httpOnly: boolean; secure: boolean }): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    "Path=/",
    `Max-Age=${options.maxAgeSeconds}`,
    "SameSite=Lax",
    ...(options.httpOnly ? ["HttpOnly"] : []),
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

/** Whether the browser reached us over HTTPS (directly or through a proxy that says so). */
export function isSecureRequest(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

export function sessionCookieHeaders(session: NewSession, secure: boolean): string[] {
  const maxAgeSeconds = Math.floor(SESSION_LIFETIME_MS / 1000);
  return [
    cookie(SESSION_COOKIE, session.token, { maxAgeSeconds, httpOnly: true, secure }),
    cookie(CSRF_COOKIE, session.csrfToken, { maxAgeSeconds, httpOnly: false, secure }),
  ];
}

export function clearedSessionCookieHeaders(secure: boolean): string[] {
  return [
    cookie(SESSION_COOKIE, "", { maxAgeSeconds: 0, httpOnly: true, secure }),
    cookie(CSRF_COOKIE, "", { maxAgeSeconds: 0, httpOnly: false, secure }),
  ];
}
