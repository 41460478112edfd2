// Per-scene facts every scene-level metric is counted from: how many device models voted, whether
// the scene is eligible (votes from 2+ device models), unstable (its votes are not all equal),
// correctness-mixed (ground truth known, at least one vote correct and one wrong), and its class
// for per-class instability. Pure.
import { compareKeys, type GroundTruth, type Vote } from "./types";

export type SceneSummary = {
  sceneId: string;
  /** Device models that voted on the scene. */
  votes: number;
  /** Distinct voted labels. */
  distinctLabels: number;
  /** Votes from at least 2 device models. */
  isEligible: boolean;
  /** Eligible and its votes are not all equal. */
  isUnstable: boolean;
  /** Ground-truth class index, or null when the scene has none. */
  groundTruth: number | null;
  /** Votes equal to the ground truth (0 without ground truth). */
  correctVotes: number;
  /** Eligible, ground truth known, at least one vote correct and at least one wrong. */
  isCorrectnessMixed: boolean;
  /** The most frequent vote; ties go to the smallest class index. */
  majorityLabel: number;
};

/** One summary per scene that has at least one vote, sorted by scene id. */
export function summariseScenes(votes: readonly Vote[], groundTruth: GroundTruth): SceneSummary[] {
  const labelsByScene = new Map<string, Map<number, number>>();
  for (const vote of votes) {
    let counts = labelsByScene.get(vote.sceneId);
    if (!counts) labelsByScene.set(vote.sceneId, (counts = new Map()));
    counts.set(vote.label, (counts.get(vote.label) ?? 0) + 1);
  }
  const summaries: SceneSummary[] = [];
  for (const [sceneId, counts] of labelsByScene) {
    let total = 0;
    let majorityLabel = Number.POSITIVE_INFINITY;
    let majorityCount = 0;
    for (const [label, count] of counts) {
      total += count;
      if (count > majorityCount || (count === majorityCount && label < majorityLabel)) {
        majorityLabel = label;
        majorityCount = count;
      }
    }
    const truth = groundTruth.get(sceneId) ?? null;
    const correctVotes = truth === null ? 0 : (counts.get(truth) ?? 0);
    const isEligible = total >= 2;
    summaries.push({
      sceneId,
      votes: total,
      distinctLabels: counts.size,
      isEligible,
      isUnstable: isEligible && counts.size > 1,
      groundTruth: truth,
      correctVotes,
      isCorrectnessMixed: isEligible && truth !== null && correctVotes > 0 && correctVotes < total,
      majorityLabel,
    });
  }
  return summaries.sort((a, b) => compareKeys(a.sceneId, b.sceneId));
}
