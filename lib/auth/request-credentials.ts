// Reads the credentials a request carries: an `Authorization: Bearer …` header or the session
// cookie. Pure (works on any Fetch API Request), so route handlers, tests and scripts share it.
import { AppError } from "@/lib/api/app-error";

export const SESSION_COOKIE = "parallax_session";
/** Readable by the page's JavaScript (not httpOnly): sent back as the X-CSRF-Token header on writes. */
export const CSRF_COOKIE = "parallax_csrf";
export const CSRF_HEADER = "x-csrf-token";

export const UNAUTHORIZED_HEADERS = { "WWW-Authenticate": 'Bearer realm="parallax"' };

export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    const raw = part.slice(index + 1).trim();
    if (!cookies.has(name)) {
      try {
        cookies.set(name, decodeURIComponent(raw));
      } catch {
        cookies.set(name, raw);
      }
    }
  }
  return cookies;
}

/** The bearer token, undefined without an Authorization header; 401 for any other scheme or an empty token. */
export function readBearerToken(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  if (header === null) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new AppError("unauthorized", "The Authorization header must be `Bearer <token>`.", undefined, UNAUTHORIZED_HEADERS);
  }
  return match[1]!;
}

export function readSessionCookie(request: Request): string | undefined {
  return parseCookies(request.headers.get("cookie")).get(SESSION_COOKIE) || undefined;
}

export function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "OPTIONS";
}
