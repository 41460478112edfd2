// Token-bucket rate limits kept in the server's memory: each key (a device, a client IP) may spend
// `perMinute` requests in a burst and regains them at perMinute/60 per second. Over the limit the
// request is answered 429 with Retry-After. One process, so memory is the right place.
import { AppError } from "./app-error";

type Bucket = { tokens: number; updatedAt: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spend one request for `key`; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    this.sweep(now);
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updatedAt) * ratePerMs);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
  }

  /** Forget buckets that are full again (keeps memory bounded by recent callers). */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * (this.perMinute / 60_000) >= this.perMinute) this.buckets.delete(key);
    }
  }
}

/** Throws 429 with Retry-After when `key` is over its limit. */
export function enforceRateLimit(limiter: RateLimiter, key: string, what: string): void {
  const retryAfter = limiter.take(key);
  if (retryAfter > 0) {
    throw new AppError("rate_limited", `Too many requests from this ${what}; try again in ${retryAfter} s.`, { reason: `${what.replace(/\s+/g, "_")}_rate_limit`, retryAfterSeconds: retryAfter }, { "Retry-After": String(retryAfter) });
  }
}
