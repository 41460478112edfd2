// Properties of the whole report on seeded random studies: values in [0, 1], counts consistent,
// pairwise symmetric, and nothing depends on device model names or on the order of the input.
import { describe, expect, it } from "vitest";
import { computeInstabilityReport, type InstabilityReport } from "./compute-instability-report";
import { computePairwiseInstability } from "./compute-pairwise-instability";
import { computeVotes } from "./compute-votes";
import { createSeededRandom } from "./seeded-random";
import { generateSyntheticStudy } from "./testing/generate-synthetic-study";
import { collectSyntheticPredictions } from "./testing/synthetic-predictions";
import { compareKeys, type CapturePrediction } from "./types";

const studies = [1, 2, 3, 4, 5].map((seed) => {
  const study = generateSyntheticStudy({ seed, scenes: 40, deviceModels: 5, classes: 4, repeatShare: 0.3, equalTimeShare: 0.5, groundTruthShare: 0.6, hardShare: 0.5 });
  return { seed, ...collectSyntheticPredictions(study) };
});

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const random = createSeededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** The report with device model keys mapped back through `rename` and re-sorted. */
function renameBack(report: InstabilityReport, rename: (key: string) => string): InstabilityReport {
  const pairwise = report.pairwise
    .map((row) => {
      const [a, b] = [rename(row.a), rename(row.b)].sort(compareKeys);
      return { ...row, a: a!, b: b! };
    })
    .sort((x, y) => compareKeys(x.a, y.a) || compareKeys(x.b, y.b));
  const deviceModels = report.deviceModels.map((row) => ({ ...row, key: rename(row.key) })).sort((x, y) => compareKeys(x.key, y.key));
  return { ...report, pairwise, deviceModels };
}

describe("computeInstabilityReport properties", () => {
  it.each(studies)("study $seed: values lie in [0, 1] and agree with their counts", ({ device, groundTruth }) => {
    const report = computeInstabilityReport(device, groundTruth);
    const ratios: [number | null, number, number][] = [
      [report.labelInstability, report.unstableScenes, report.eligibleScenes],
      [report.correctnessInstability, report.correctnessUnstableScenes, report.groundTruthScenes],
      [report.withinDeviceInstability, report.withinDeviceUnstableGroups, report.withinDeviceGroups],
      ...report.pairwise.flatMap((row): [number | null, number, number][] => [
        [row.instability, row.disagreements, row.sharedScenes],
        [row.correctness.instability, row.correctness.disagreements, row.correctness.sharedScenes],
        [row.topK.agreement, row.topK.agreements, row.sharedScenes],
      ]),
      ...report.deviceModels.map((row): [number | null, number, number] => [row.accuracy, row.correctVotes, row.votesWithGroundTruth]),
    ];
    for (const [value, numerator, denominator] of ratios) {
      expect(numerator).toBeLessThanOrEqual(denominator);
      expect(value).toBe(denominator === 0 ? null : numerator / denominator);
    }
    expect(report.eligibleScenes).toBeGreaterThan(0);
    expect(report.ci95!.lower).toBeLessThanOrEqual(report.labelInstability!);
    expect(report.ci95!.upper).toBeGreaterThanOrEqual(report.labelInstability!);
    expect(report.ci95!.lower).toBeGreaterThanOrEqual(0);
    expect(report.ci95!.upper).toBeLessThanOrEqual(1);
    expect(report.pairwise).toHaveLength((report.deviceModels.length * (report.deviceModels.length - 1)) / 2);
    expect(report.deviceModels.reduce((sum, row) => sum + row.captures, 0)).toBe(report.captures);
  });

  it.each(studies)("study $seed: permuting the input changes nothing", ({ seed, device, groundTruth }) => {
    expect(computeInstabilityReport(shuffle(device, seed + 100), groundTruth)).toEqual(computeInstabilityReport(device, groundTruth));
  });

  it.each(studies)("study $seed: renaming device models changes nothing but the names", ({ device, groundTruth }) => {
    // Reversing the names reverses their order too, so every pair is also seen from the other side.
    const keys = [...new Set(device.map((p) => p.deviceModelKey))].sort(compareKeys);
    const forward = new Map(keys.map((key, i) => [key, `Z-${String(keys.length - i).padStart(3, "0")}`]));
    const backward = new Map([...forward].map(([a, b]) => [b, a]));
    const renamed: CapturePrediction[] = device.map((p) => ({ ...p, deviceModelKey: forward.get(p.deviceModelKey)! }));
    const report = computeInstabilityReport(renamed, groundTruth);
    expect(renameBack(report, (key) => backward.get(key)!)).toEqual(computeInstabilityReport(device, groundTruth));
  });

  it.each(studies)("study $seed: pairwise instability is symmetric", ({ device, groundTruth }) => {
    const votes = computeVotes(device);
    const rows = computePairwiseInstability(votes, groundTruth, 2);
    // Count I(B, A) by brute force over the votes, B first.
    const byScene = new Map<string, Map<string, number>>();
    for (const vote of votes) byScene.set(vote.sceneId, (byScene.get(vote.sceneId) ?? new Map()).set(vote.deviceModelKey, vote.label));
    for (const row of rows) {
      let shared = 0;
      let differ = 0;
      for (const labels of byScene.values()) {
        const b = labels.get(row.b);
        const a = labels.get(row.a);
        if (a === undefined || b === undefined) continue;
        shared += 1;
        if (b !== a) differ += 1;
      }
      expect([row.sharedScenes, row.disagreements]).toEqual([shared, differ]);
    }
  });
});
