// Device tokens already checked, for a few seconds: a phone uploading a burst is not looked up
// again for every photo. Deleting a device's data or a study drops every entry at once, so a
// deleted device is refused immediately; otherwise a change is seen within DEVICE_AUTH_TTL_MS.
import type { DeviceAuth } from "./authenticate-request";

export const DEVICE_AUTH_TTL_MS = 10_000;
const LIMIT = 20_000;

type Entry = { auth: DeviceAuth; until: number };
const cache: Map<string, Entry> = ((globalThis as { __parallaxDeviceAuth?: Map<string, Entry> }).__parallaxDeviceAuth ??= new Map());

/** `tokenHash`: the token's hash (never the token itself). */
export function getCachedDeviceAuth(tokenHash: string, now = Date.now()): DeviceAuth | undefined {
  const entry = cache.get(tokenHash);
  return entry && entry.until > now ? entry.auth : undefined;
}

export function cacheDeviceAuth(tokenHash: string, auth: DeviceAuth, now = Date.now()): void {
  if (cache.size >= LIMIT) cache.clear();
  cache.set(tokenHash, { auth, until: now + DEVICE_AUTH_TTL_MS });
}

export function forgetAllDeviceAuth(): void {
  cache.clear();
}
