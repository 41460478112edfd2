import { describe, expect, it } from "vitest";
import {
  applyHomography,
  decomposeSymmetric,
  estimateHomography,
  invertHomography,
  measureReprojectionError,
  multiplyHomographies,
} from "@/lib/display/homography";
import { createRandom } from "@/lib/display/testing/simulate-screen-photo";

const square = [
  { x: 0, y: 0 },
  { x: 1, y: 0 },
  { x: 1, y: 1 },
  { x: 0, y: 1 },
];

function expectMatrix(actual: readonly number[], expected: readonly number[], digits = 9) {
  expect(actual).toHaveLength(9);
  actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, digits));
}

describe("homography", () => {
  it("recovers a scale-and-shift exactly", () => {
    // (x, y) → (2x + 2, 2y + 3)
    const h = estimateHomography(square, [
      { x: 2, y: 3 },
      { x: 4, y: 3 },
      { x: 4, y: 5 },
      { x: 2, y: 5 },
    ]);
    expectMatrix(h, [2, 0, 2, 0, 2, 3, 0, 0, 1]);
  });

  it("recovers a hand-computed perspective map", () => {
    // H = [1 0 0; 0 1 0; 1 0 1]: (x, y) → (x / (x + 1), y / (x + 1)), so the unit square goes to
    // (0, 0), (1/2, 0), (1/2, 1/2), (0, 1).
    const h = estimateHomography(square, [
      { x: 0, y: 0 },
      { x: 0.5, y: 0 },
      { x: 0.5, y: 0.5 },
      { x: 0, y: 1 },
    ]);
    expectMatrix(h, [1, 0, 0, 0, 1, 0, 1, 0, 1]);
    expect(applyHomography(h, { x: 3, y: 2 })).toEqual({ x: expect.closeTo(0.75, 12), y: expect.closeTo(0.5, 12) });
  });

  it("is a least-squares fit for many noisy pairs and is invertible", () => {
    const truth = [1.2, 0.1, 300, -0.05, 0.9, 120, 2e-4, -1e-4, 1];
    const random = createRandom(7);
    const source = Array.from({ length: 40 }, () => ({ x: random() * 1000, y: random() * 800 }));
    const target = source.map((p) => {
      const q = applyHomography(truth, p);
      return { x: q.x + (random() - 0.5) * 0.2, y: q.y + (random() - 0.5) * 0.2 };
    });
    const h = estimateHomography(source, target);
    expect(measureReprojectionError(h, source, target)).toBeLessThan(0.1);
    for (const p of [
      { x: 0, y: 0 },
      { x: 1000, y: 800 },
    ]) {
      const a = applyHomography(h, p);
      const b = applyHomography(truth, p);
      expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeLessThan(0.2);
    }
    expectMatrix(multiplyHomographies(h, invertHomography(h)).map((v, _, all) => v / all[8]!), [1, 0, 0, 0, 1, 0, 0, 0, 1], 6);
  });

  it("refuses too few pairs and degenerate configurations", () => {
    expect(() => estimateHomography(square.slice(0, 3), square.slice(0, 3))).toThrow(/at least 4/);
    const line = [0, 1, 2, 3].map((x) => ({ x, y: 2 * x }));
    expect(() => estimateHomography(line, square)).toThrow(/degenerate/);
    expect(() => invertHomography([1, 2, 3, 2, 4, 6, 0, 0, 0])).toThrow(/singular/);
  });

  it("diagonalises a symmetric matrix", () => {
    const { values, vectors } = decomposeSymmetric([2, 1, 1, 2], 2);
    expect([...values].sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
    const smallest = values[0]! < values[1]! ? 0 : 1;
    // Eigenvector of 1 is ±(1, −1)/√2.
    expect(Math.abs(vectors[smallest]! + vectors[2 + smallest]!)).toBeLessThan(1e-12);
  });
});
