// Bearer secrets Parallax hands out: researcher API tokens ("plx_…"), device tokens ("pxd_…") and
// session cookies. Only their SHA-256 is stored (they carry 256 bits of randomness, so a slow hash
// adds nothing); the prefix tells at a glance what kind of secret a string is.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const API_TOKEN_PREFIX = "plx_";
export const DEVICE_TOKEN_PREFIX = "pxd_";
export const SESSION_TOKEN_PREFIX = "pxs_";

export function generateSecretToken(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}

export function hashSecretToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time string comparison (both sides hashed first, so lengths never leak). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/** What a token list shows instead of the secret: its kind prefix and the first characters. */
export function displayPrefix(token: string): string {
  return token.slice(0, 12);
}

const PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** A one-time password that is easy to type from a console: four groups of five unambiguous characters. */
export function generateOneTimePassword(): string {
  const bytes = randomBytes(20);
  const chars = Array.from(bytes, (byte) => PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length]!);
  return [0, 5, 10, 15].map((start) => chars.slice(start, start + 5).join("")).join("-");
}
