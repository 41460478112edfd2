import { describe, expect, it } from "vitest";
import { buildVoteMatrix, computeInstabilityGrowth } from "./compute-instability-growth";
import { computeVotes } from "./compute-votes";
import { predict } from "./testing/prediction-builder";

const grid = (rows: Record<string, Record<string, number>>) =>
  computeVotes(Object.entries(rows).flatMap(([scene, byModel]) => Object.entries(byModel).map(([model, label]) => predict(`${scene}${model}`, scene, model, label))));

describe("computeInstabilityGrowth", () => {
  it("averages subsets of each size; a symmetric study gives the same value for every subset", () => {
    // Every pair of A, B, C agrees on exactly one of the three scenes → 2/3 for any 2 models; all 3 → 1.
    const votes = grid({ s1: { A: 1, B: 1, C: 2 }, s2: { A: 1, B: 2, C: 1 }, s3: { A: 2, B: 1, C: 1 } });
    const points = computeInstabilityGrowth(buildVoteMatrix(votes), { orders: 100 });
    expect(points).toEqual([
      { deviceModels: 2, subsets: 100, subsetsWithEligibleScenes: 100, meanInstability: expect.closeTo(2 / 3, 12), eligibleScenes: 300, unstableScenes: 200 },
      { deviceModels: 3, subsets: 100, subsetsWithEligibleScenes: 100, meanInstability: 1, eligibleScenes: 300, unstableScenes: 300 },
    ]);
  });

  it("recounts eligibility inside each subset and leaves subsets without eligible scenes out of the mean", () => {
    // A and B never share a scene; C shares one stable scene with each.
    const votes = grid({ s1: { A: 1, C: 1 }, s2: { B: 2, C: 2 } });
    const [two, three] = computeInstabilityGrowth(buildVoteMatrix(votes), { orders: 50, seed: 7 });
    expect(two!.meanInstability).toBe(0);
    expect(two!.subsetsWithEligibleScenes).toBeLessThan(50); // {A, B} has nothing eligible
    expect(two!.subsetsWithEligibleScenes).toBeGreaterThan(0);
    expect(three).toEqual({ deviceModels: 3, subsets: 50, subsetsWithEligibleScenes: 50, meanInstability: 0, eligibleScenes: 100, unstableScenes: 0 });
  });

  it("ends at the study's label instability, is deterministic for a seed, and lies in [0, 1]", () => {
    const votes = grid({
      s1: { A: 1, B: 1, C: 2, D: 1 },
      s2: { A: 3, B: 3, C: 3, D: 3 },
      s3: { A: 4, B: 5, D: 4 },
      s4: { B: 6, C: 6 },
    });
    const matrix = buildVoteMatrix(votes);
    const points = computeInstabilityGrowth(matrix, { orders: 200, seed: 42 });
    expect(points.at(-1)!.meanInstability).toBe(2 / 4);
    expect(computeInstabilityGrowth(matrix, { orders: 200, seed: 42 })).toEqual(points);
    for (const point of points) {
      expect(point.meanInstability).toBeGreaterThanOrEqual(0);
      expect(point.meanInstability).toBeLessThanOrEqual(1);
    }
  });

  it("has no points with fewer than two device models", () => {
    expect(computeInstabilityGrowth(buildVoteMatrix(grid({ s1: { A: 1 } })))).toEqual([]);
  });
});
