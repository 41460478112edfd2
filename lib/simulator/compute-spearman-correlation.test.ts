import { describe, expect, it } from "vitest";
import { computeSpearmanCorrelation, rankValues } from "./compute-spearman-correlation";

describe("rankValues", () => {
  it("ranks from 1 and averages ties", () => {
    expect(rankValues([10, 30, 20])).toEqual([1, 3, 2]);
    expect(rankValues([5, 1, 5, 3])).toEqual([3.5, 1, 3.5, 2]);
  });
});

describe("computeSpearmanCorrelation", () => {
  it("is 1 for any increasing relation and -1 for a decreasing one", () => {
    expect(computeSpearmanCorrelation([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1);
    expect(computeSpearmanCorrelation([1, 2, 3, 4], [9, 4, 1, 0])).toBeCloseTo(-1);
  });

  it("matches the textbook formula 1 - 6Σd²/(n(n²-1)) without ties", () => {
    // ranks y: 4,2,1,6,3,7,9,5,8 → Σd² = 36, n = 9 → 1 - 216/720 = 0.7
    expect(computeSpearmanCorrelation([1, 2, 3, 4, 5, 6, 7, 8, 9], [0.229, 0.224, 0.209, 0.249, 0.225, 0.27, 0.345, 0.242, 0.286])).toBeCloseTo(0.7);
  });

  it("is null when undefined and refuses unpaired samples", () => {
    expect(computeSpearmanCorrelation([1], [2])).toBeNull();
    expect(computeSpearmanCorrelation([1, 2, 3], [5, 5, 5])).toBeNull();
    expect(() => computeSpearmanCorrelation([1, 2], [1])).toThrow(RangeError);
  });
});
