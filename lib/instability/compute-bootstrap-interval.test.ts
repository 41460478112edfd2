import { describe, expect, it } from "vitest";
import { computeBootstrapInterval } from "./compute-bootstrap-interval";
import { createSeededRandom } from "./seeded-random";

/** mulberry32 exactly as published (Tommy Ettinger), as an independent oracle. */
function referenceMulberry32(seed: number) {
  let a = seed;
  return () => {
    let t = (a += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("createSeededRandom", () => {
  it("is mulberry32", () => {
    for (const seed of [0, 1, 20_240_601, 0xdeadbeef]) {
      const ours = createSeededRandom(seed);
      const theirs = referenceMulberry32(seed);
      for (let i = 0; i < 1000; i++) expect(ours.next()).toBe(theirs());
    }
  });

  it("draws integers in [0, n)", () => {
    const random = createSeededRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(random.nextInt(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe("computeBootstrapInterval", () => {
  it.each([
    { name: "no scenes: no interval", counts: { numerator: 0, denominator: 0 }, expected: null },
    { name: "nothing unstable: [0, 0]", counts: { numerator: 0, denominator: 50 }, expected: [0, 0] },
    { name: "everything unstable: [1, 1]", counts: { numerator: 50, denominator: 50 }, expected: [1, 1] },
    // Two scenes, one unstable: a resample is 0, ½ or 1 with probabilities ¼, ½, ¼, so among 1000
    // resamples far more than 25 are 0 and far more than 25 are 1.
    { name: "one of two: [0, 1]", counts: { numerator: 1, denominator: 2 }, expected: [0, 1] },
  ])("$name", ({ counts, expected }) => {
    const interval = computeBootstrapInterval(counts);
    if (expected === null) expect(interval).toBeNull();
    else expect([interval!.lower, interval!.upper]).toEqual(expected);
  });

  it("follows the documented algorithm: 1000 resamples, 26th smallest and 26th largest", () => {
    const counts = { numerator: 37, denominator: 200 };
    const random = referenceMulberry32(20_240_601);
    const scenes = Array.from({ length: 200 }, (_, i) => (i < 37 ? 1 : 0));
    const values: number[] = [];
    for (let b = 0; b < 1000; b++) {
      let sum = 0;
      for (let i = 0; i < 200; i++) sum += scenes[Math.floor(random() * 200)]!;
      values.push(sum / 200);
    }
    values.sort((x, y) => x - y);
    expect(computeBootstrapInterval(counts)).toEqual({ lower: values[25], upper: values[974], level: 0.95, resamples: 1000, seed: 20_240_601, method: "percentile" });
  });

  it("brackets the point estimate, narrows with more scenes, and is reproducible", () => {
    const small = computeBootstrapInterval({ numerator: 15, denominator: 100 })!;
    const large = computeBootstrapInterval({ numerator: 1500, denominator: 10_000 })!;
    expect(small.lower).toBeLessThan(0.15);
    expect(small.upper).toBeGreaterThan(0.15);
    expect(large.upper - large.lower).toBeLessThan(small.upper - small.lower);
    expect(computeBootstrapInterval({ numerator: 15, denominator: 100 })).toEqual(small);
    expect(computeBootstrapInterval({ numerator: 15, denominator: 100 }, { seed: 1 })).not.toEqual(small);
  });
});
