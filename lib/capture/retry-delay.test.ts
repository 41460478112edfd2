import { describe, expect, it } from "vitest";
import { computeRetryDelay, MAX_RETRY_DELAY_MS, parseRetryAfter } from "./retry-delay";

describe("computeRetryDelay", () => {
  it.each([
    [1, 0, 500],
    [1, 1, 1000],
    [2, 0, 1000],
    [3, 1, 4000],
    [20, 1, MAX_RETRY_DELAY_MS],
    [20, 0, MAX_RETRY_DELAY_MS / 2],
  ])("attempt %i with random %f waits %i ms", (attempt, random, expected) => {
    expect(computeRetryDelay(attempt, () => random)).toBe(expected);
  });

  it("never retries sooner than the server asked", () => {
    expect(computeRetryDelay(1, () => 0, 30_000)).toBe(30_000);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });
});
