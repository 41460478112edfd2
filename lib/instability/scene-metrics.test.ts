// Label instability, correctness instability and per-class instability, counted from hand-made votes.
import { describe, expect, it } from "vitest";
import { computeCorrectnessInstability } from "./compute-correctness-instability";
import { computeLabelInstability } from "./compute-label-instability";
import { computePerClassInstability } from "./compute-per-class-instability";
import { computeVotes } from "./compute-votes";
import { summariseScenes } from "./summarise-scenes";
import { predict } from "./testing/prediction-builder";
import type { CapturePrediction } from "./types";

/** votes("s1", { A: 1, B: 2 }) — one capture per device model. */
function votes(sceneId: string, byModel: Record<string, number>): CapturePrediction[] {
  return Object.entries(byModel).map(([model, label]) => predict(`${sceneId}-${model}`, sceneId, model, label));
}

function scenesOf(predictions: CapturePrediction[], truth: Record<string, number> = {}) {
  return summariseScenes(computeVotes(predictions), new Map(Object.entries(truth)));
}

describe("computeLabelInstability", () => {
  it.each([
    {
      name: "unstable eligible scenes over eligible scenes; single-vote scenes are not eligible",
      predictions: [...votes("s1", { A: 1, B: 1 }), ...votes("s2", { A: 1, B: 2 }), ...votes("s3", { A: 1 })],
      expected: { numerator: 1, denominator: 2, value: 0.5 },
    },
    {
      name: "three device models, one dissenting, makes the scene unstable",
      predictions: [...votes("s1", { A: 1, B: 1, C: 2 }), ...votes("s2", { A: 3, B: 3, C: 3 }), ...votes("s3", { A: 3, B: 3, C: 3 })],
      expected: { numerator: 1, denominator: 3, value: 1 / 3 },
    },
    {
      name: "repeats are folded into one vote per device model first",
      predictions: [
        predict("c1", "s1", "A", 1, { at: 1 }),
        predict("c2", "s1", "A", 2, { at: 2 }),
        predict("c3", "s1", "A", 2, { at: 3 }),
        predict("c4", "s1", "B", 2),
      ],
      expected: { numerator: 0, denominator: 1, value: 0 },
    },
    {
      name: "one device model: nothing is eligible, the value is null (not NaN)",
      predictions: [...votes("s1", { A: 1 }), ...votes("s2", { A: 2 }), predict("c9", "s2", "A", 3, { device: "second-A" })],
      expected: { numerator: 0, denominator: 0, value: null },
    },
    { name: "no predictions", predictions: [], expected: { numerator: 0, denominator: 0, value: null } },
  ])("$name", ({ predictions, expected }) => {
    expect(computeLabelInstability(scenesOf(predictions))).toEqual(expected);
  });
});

describe("computeCorrectnessInstability", () => {
  it.each([
    {
      name: "mixed scenes over eligible scenes with ground truth",
      predictions: [
        ...votes("s1", { A: 1, B: 1 }), // both correct
        ...votes("s2", { A: 1, B: 2 }), // one correct, one wrong: counted
        ...votes("s3", { A: 1, B: 2 }), // both wrong (truth 3): unstable but not mixed
        ...votes("s4", { A: 1, B: 2 }), // no ground truth: left out
        ...votes("s5", { A: 1 }), // not eligible
      ],
      truth: { s1: 1, s2: 1, s3: 3, s5: 1 },
      expected: { numerator: 1, denominator: 3, value: 1 / 3 },
    },
    {
      name: "a stable but wrong scene is not mixed",
      predictions: [...votes("s1", { A: 4, B: 4, C: 4 })],
      truth: { s1: 0 },
      expected: { numerator: 0, denominator: 1, value: 0 },
    },
    {
      name: "without ground truth the value is null",
      predictions: [...votes("s1", { A: 1, B: 2 })],
      truth: {},
      expected: { numerator: 0, denominator: 0, value: null },
    },
  ])("$name", ({ predictions, truth, expected }) => {
    expect(computeCorrectnessInstability(scenesOf(predictions, truth as Record<string, number>))).toEqual(expected);
  });
});

describe("summariseScenes", () => {
  it("counts votes, labels, correct votes and the majority (ties to the smallest class)", () => {
    const scenes = scenesOf([...votes("s1", { A: 7, B: 8 }), ...votes("s2", { A: 5, B: 5, C: 6 })], { s2: 6 });
    expect(scenes).toEqual([
      { sceneId: "s1", votes: 2, distinctLabels: 2, isEligible: true, isUnstable: true, groundTruth: null, correctVotes: 0, isCorrectnessMixed: false, majorityLabel: 7 },
      { sceneId: "s2", votes: 3, distinctLabels: 2, isEligible: true, isUnstable: true, groundTruth: 6, correctVotes: 1, isCorrectnessMixed: true, majorityLabel: 5 },
    ]);
  });
});

describe("computePerClassInstability", () => {
  it("groups eligible scenes by ground truth, else by majority vote", () => {
    const scenes = scenesOf(
      [
        ...votes("s1", { A: 1, B: 2 }), // truth 1, unstable
        ...votes("s2", { A: 1, B: 1 }), // truth 1, stable
        ...votes("s3", { A: 5, B: 5, C: 6 }), // no truth, majority 5, unstable
        ...votes("s4", { A: 8, B: 7 }), // no truth, tie 7–8 → 7, unstable
        ...votes("s5", { A: 2 }), // truth 2, not eligible
        ...votes("s6", { A: 1, B: 1 }), // truth 5: joins class 5 by ground truth
      ],
      { s1: 1, s2: 1, s5: 2, s6: 5 },
    );
    expect(computePerClassInstability(scenes)).toEqual([
      { classIndex: 1, eligibleScenes: 2, unstableScenes: 1, instability: 0.5, scenesByGroundTruth: 2 },
      { classIndex: 5, eligibleScenes: 2, unstableScenes: 1, instability: 0.5, scenesByGroundTruth: 1 },
      { classIndex: 7, eligibleScenes: 1, unstableScenes: 1, instability: 1, scenesByGroundTruth: 0 },
    ]);
  });

  it("is empty when nothing is eligible", () => {
    expect(computePerClassInstability(scenesOf(votes("s1", { A: 1 })))).toEqual([]);
  });
});
