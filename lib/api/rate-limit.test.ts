import { describe, expect, it } from "vitest";
import { AppError } from "./app-error";
import { enforceRateLimit, RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("allows a burst of perMinute, then refills at perMinute/60 per second", () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(1);
    expect(limiter.take("b")).toBe(0); // keys are independent
    now += 1000;
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(1);
  });

  it("says how long to wait when the rate is slow", () => {
    let now = 0;
    const limiter = new RateLimiter(6, () => now);
    for (let i = 0; i < 6; i++) limiter.take("k");
    expect(limiter.take("k")).toBe(10);
    now += 9_000;
    expect(limiter.take("k")).toBe(1);
  });

  it("0 turns the limit off", () => {
    const limiter = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) expect(limiter.take("x")).toBe(0);
  });

  it("enforceRateLimit throws 429 with Retry-After", () => {
    const limiter = new RateLimiter(1, () => 0);
    enforceRateLimit(limiter, "d", "device");
    try {
      enforceRateLimit(limiter, "d", "device");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(429);
      expect((error as AppError).headers).toEqual({ "Retry-After": "60" });
    }
  });
});
