// Upload contexts (a device's identity with its study's status and rules) read in the last
// moments, per device: a phone sending a burst is not looked up for every photo. Entries live
// CONTEXT_TTL_MS; changing a study or a device's identity in this process drops them at once.
export const CONTEXT_TTL_MS = 2000;
const MAX_ENTRIES = 20_000;

type Entry<T> = { value: T; until: number };
const cache: Map<string, Entry<unknown>> = ((globalThis as { __parallaxUploadContexts?: Map<string, Entry<unknown>> }).__parallaxUploadContexts ??= new Map());

export function getCachedUploadContext<T>(deviceId: string, now = Date.now()): T | undefined {
  const entry = cache.get(deviceId);
  return entry && entry.until > now ? (entry.value as T) : undefined;
}

export function cacheUploadContext<T>(deviceId: string, value: T, now = Date.now()): void {
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(deviceId, { value, until: now + CONTEXT_TTL_MS });
}

export function forgetUploadContext(deviceId: string): void {
  cache.delete(deviceId);
}

/** After a study's status or rules change: every cached context is dropped. */
export function forgetAllUploadContexts(): void {
  cache.clear();
}
