// When the phone tries an upload again: exponential backoff with full jitter, capped, and never
// sooner than the server's Retry-After. Pure.

export const BASE_RETRY_DELAY_MS = 1_000;
export const MAX_RETRY_DELAY_MS = 60_000;

/** Delay before attempt number `attempt + 1` after `attempt` failed attempts (attempt ≥ 1). */
export function computeRetryDelay(attempt: number, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, BASE_RETRY_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  // Full jitter spreads a fleet of phones that lost the network at the same moment.
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Parses a Retry-After header (seconds or HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 10 * MAX_RETRY_DELAY_MS);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.min(date - now, 10 * MAX_RETRY_DELAY_MS));
}
