import { describe, expect, it } from "vitest";
import { createRandom, hashSeed } from "./random";

const draw = (seed: string | number, n: number) => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.float());
};

describe("createRandom", () => {
  it("gives the same sequence for the same seed and a different one for another seed", () => {
    expect(draw(1, 50)).toEqual(draw(1, 50));
    expect(draw("1", 50)).toEqual(draw(1, 50));
    expect(draw(2, 50)).not.toEqual(draw(1, 50));
    expect(new Set(draw(1, 1000)).size).toBe(1000);
  });

  it("hashes seeds to four distinct 32-bit words", () => {
    const words = hashSeed("parallax");
    expect(words).toHaveLength(4);
    for (const word of words) expect(word).toBe(word >>> 0);
    expect(hashSeed("parallax")).toEqual(words);
    expect(hashSeed("parallay")).not.toEqual(words);
  });

  it("draws floats in [0,1) with a uniform-looking distribution", () => {
    const values = draw(7, 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeCloseTo(0.5, 1.5);
    const buckets = new Array(10).fill(0);
    for (const v of values) buckets[Math.floor(v * 10)] += 1;
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it("draws integers within inclusive bounds, hitting both ends", () => {
    const random = createRandom("ints");
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = random.int(3, 7);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(7);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(() => random.int(5, 4)).toThrow(RangeError);
  });

  it("draws normals with the requested mean and standard deviation", () => {
    const random = createRandom("normals");
    const values = Array.from({ length: 40_000 }, () => random.normal(10, 2));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    expect(mean).toBeGreaterThan(9.95);
    expect(mean).toBeLessThan(10.05);
    expect(sd).toBeGreaterThan(1.96);
    expect(sd).toBeLessThan(2.04);
  });

  it("picks every element eventually and shuffles into a permutation", () => {
    const random = createRandom("pick");
    const items = ["a", "b", "c", "d"];
    const picked = new Set(Array.from({ length: 200 }, () => random.pick(items)));
    expect([...picked].sort()).toEqual(items);
    const shuffled = random.shuffle(items);
    expect([...shuffled].sort()).toEqual(items);
    expect(items).toEqual(["a", "b", "c", "d"]);
    expect(() => random.pick([])).toThrow(RangeError);
  });

  it("forks streams that depend on the label and seed only, not on draws made before", () => {
    const a = createRandom(3);
    const b = createRandom(3);
    for (let i = 0; i < 17; i++) b.float();
    expect(a.fork("device-1").float()).toBe(b.fork("device-1").float());
    expect(a.fork("device-1").float()).not.toBe(a.fork("device-2").float());
    expect(createRandom(4).fork("device-1").float()).not.toBe(a.fork("device-1").float());
  });
});
