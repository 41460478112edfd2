// The kernel must give exactly the reference implementation's pairwise counts.
import { describe, expect, it } from "vitest";
import { computePairwiseInstability, toPairwiseInstability } from "./compute-pairwise-instability";
import { MISSING_TOP_ENTRY, parseVoteText, ScenePairCounter } from "./count-scene-pairs";
import { createSeededRandom } from "./seeded-random";
import { compareKeys, type GroundTruth, type Vote } from "./types";

type Shape = { seed: number; scenes: number; models: number; classes: number; coverage: number; topSize: number; k: number; nullShare: number; favouriteShare: number };

function randomStudy(shape: Shape): { votes: Vote[]; truth: GroundTruth } {
  const random = createSeededRandom(shape.seed).next;
  const votes: Vote[] = [];
  const truth = new Map<string, number>();
  for (let s = 0; s < shape.scenes; s++) {
    const sceneId = `scene-${s}`;
    if (random() < 0.6) truth.set(sceneId, Math.floor(random() * shape.classes));
    const favourite = Math.floor(random() * shape.classes);
    for (let m = 0; m < shape.models; m++) {
      if (random() > shape.coverage) continue;
      const label = random() < shape.favouriteShare ? favourite : Math.floor(random() * shape.classes);
      // Top lists that may not start with the label, may miss entries (NULL) or repeat them.
      const topIndices: (number | null)[] = Array.from({ length: Math.floor(random() * (shape.topSize + 1)) }, () =>
        random() < shape.nullShare ? null : Math.floor(random() * shape.classes),
      );
      if (topIndices.length > 0 && random() < 0.8) topIndices[0] = label;
      votes.push({ sceneId, deviceModelKey: `model ${String.fromCharCode(90 - m)}${m % 3 === 0 ? "é" : ""}`, label, captures: 1, capturesForLabel: 1, representativeCaptureId: `${s}-${m}`, topIndices: topIndices as number[] });
    }
  }
  return { votes, truth };
}

/**
 * "cut": each top list cut to k entries with its missing entries left out (as array_to_string of a
 * sliced list writes it); "whole": the whole list with "n" for missing entries (as the "Vote"
 * table's text is written), which the kernel cuts to k itself.
 */
function countWithKernel(votes: readonly Vote[], truth: GroundTruth, k: number, text: "cut" | "whole") {
  const models = [...new Set(votes.map((v) => v.deviceModelKey))].sort(compareKeys);
  const number = new Map(models.map((model, i) => [model, i]));
  const counter = new ScenePairCounter(models.length, k);
  const byScene = new Map<string, Vote[]>();
  for (const vote of votes) byScene.set(vote.sceneId, [...(byScene.get(vote.sceneId) ?? []), vote]);
  for (const [sceneId, sceneVotes] of byScene) {
    const top = (vote: Vote) => (text === "cut" ? vote.topIndices.slice(0, k).filter((t) => t !== null) : vote.topIndices.map((t) => (t === null ? "n" : t)));
    const written = sceneVotes.map((vote) => [number.get(vote.deviceModelKey)!, vote.label, ...top(vote)].join(" ")).join(",");
    counter.addScene(truth.get(sceneId) ?? null, parseVoteText(written));
  }
  return counter.rows(models).map((row) => toPairwiseInstability(row, k));
}

describe("ScenePairCounter", () => {
  const shapes: Shape[] = [
    { seed: 1, scenes: 200, models: 8, classes: 5, coverage: 0.8, topSize: 5, k: 3, nullShare: 0.1, favouriteShare: 0.5 },
    { seed: 2, scenes: 100, models: 12, classes: 60, coverage: 1, topSize: 8, k: 5, nullShare: 0, favouriteShare: 0.5 },
    // More than 32 distinct labels in a scene: the kernel's slow path.
    { seed: 3, scenes: 30, models: 45, classes: 500, coverage: 0.95, topSize: 6, k: 4, nullShare: 0.2, favouriteShare: 0.05 },
    { seed: 4, scenes: 150, models: 6, classes: 3, coverage: 0.3, topSize: 2, k: 1, nullShare: 0, favouriteShare: 0.5 },
  ];
  for (const shape of shapes) {
    it(`matches computePairwiseInstability (seed ${shape.seed})`, () => {
      const { votes, truth } = randomStudy(shape);
      const expected = computePairwiseInstability(votes, truth, shape.k);
      expect(expected.some((row) => row.disagreements > 0 && row.topK.agreements < row.sharedScenes)).toBe(true);
      expect(countWithKernel(votes, truth, shape.k, "cut")).toEqual(expected);
      expect(countWithKernel(votes, truth, shape.k, "whole")).toEqual(expected);
    });
  }

  it("reads vote text", () => {
    expect([...parseVoteText("3 4 1 -2,0 7,12 5 5")]).toEqual([3, 4, 2, 1, -2, 0, 7, 0, 12, 5, 1, 5]);
    expect([...parseVoteText("")]).toEqual([]);
    expect([...parseVoteText("3 4 n 1,0 7 n")]).toEqual([3, 4, 2, MISSING_TOP_ENTRY, 1, 0, 7, 1, MISSING_TOP_ENTRY]);
    // "n" stands only for a top entry, and only as a whole field.
    for (const bad of ["3", "3 4,", "3,4 5", "3 x", "3  4", "3 4 -", "n 4", "3 n", "3 4 n1", "3 4 1n", "3 4 -n", "3 4 nn"]) expect(() => parseVoteText(bad), bad).toThrow(/vote text/);
  });

  it("rejects malformed packed votes", () => {
    const counter = new ScenePairCounter(2, 5);
    expect(() => counter.addScene(null, Int32Array.from([0, 1, 4, 1]))).toThrow(/malformed/);
    expect(() => counter.addScene(null, Int32Array.from([2, 1, 0]))).toThrow(/out of range/);
  });
});
