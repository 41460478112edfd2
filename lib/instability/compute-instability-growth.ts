// Instability as the number of device models grows: for each size n from 2 to the number of
// device models, the mean label instability over seeded random subsets of n device models, votes
// of the other device models ignored (eligibility is recounted inside the subset). The subsets are
// the first n device models of R random orders (Fisher–Yates over the key-sorted device models,
// mulberry32, j = floor(u·(i+1)) for i from the last position down); the first n of a uniformly
// random order is a uniformly random n-subset. Subsets with no eligible scene are left out of the
// mean and counted. Renaming device models can change which subsets are drawn (they are drawn over
// the sorted keys), never the metric being estimated. Pure.
import { createSeededRandom, DEFAULT_METRIC_SEED } from "./seeded-random";
import { compareKeys, type Vote } from "./types";

export type InstabilityGrowthPoint = {
  /** Subset size. */
  deviceModels: number;
  /** Subsets drawn (one per random order). */
  subsets: number;
  /** Subsets with at least one eligible scene: the ones averaged. */
  subsetsWithEligibleScenes: number;
  /** Mean over those subsets of unstable / eligible scenes; null when none had an eligible scene. */
  meanInstability: number | null;
  /** Eligible and unstable scenes summed over the subsets (the counts behind the mean). */
  eligibleScenes: number;
  unstableScenes: number;
};

export type GrowthOptions = { orders?: number; seed?: number };

export const DEFAULT_GROWTH_ORDERS = 100;

/** Votes as a dense matrix: labels[scene * models + model], -1 where that device model did not vote. */
export type VoteMatrix = { models: string[]; scenes: number; labels: Int32Array };

export function buildVoteMatrix(votes: readonly Pick<Vote, "sceneId" | "deviceModelKey" | "label">[]): VoteMatrix {
  const models = [...new Set(votes.map((vote) => vote.deviceModelKey))].sort(compareKeys);
  const modelIndex = new Map(models.map((model, i) => [model, i]));
  const sceneIndex = new Map<string, number>();
  for (const vote of votes) if (!sceneIndex.has(vote.sceneId)) sceneIndex.set(vote.sceneId, sceneIndex.size);
  const labels = new Int32Array(sceneIndex.size * models.length).fill(-1);
  for (const vote of votes) labels[sceneIndex.get(vote.sceneId)! * models.length + modelIndex.get(vote.deviceModelKey)!] = vote.label;
  return { models, scenes: sceneIndex.size, labels };
}

export function computeInstabilityGrowth(matrix: VoteMatrix, options: GrowthOptions = {}): InstabilityGrowthPoint[] {
  const orders = options.orders ?? DEFAULT_GROWTH_ORDERS;
  const random = createSeededRandom(options.seed ?? DEFAULT_METRIC_SEED);
  const m = matrix.models.length;
  const s = matrix.scenes;
  // Per model, the scenes it voted on and its labels there, so each step touches only its votes.
  const sceneLists: Int32Array[] = [];
  const labelLists: Int32Array[] = [];
  for (let model = 0; model < m; model++) {
    const scenes: number[] = [];
    const labels: number[] = [];
    for (let scene = 0; scene < s; scene++) {
      const label = matrix.labels[scene * m + model]!;
      if (label >= 0) {
        scenes.push(scene);
        labels.push(label);
      }
    }
    sceneLists.push(Int32Array.from(scenes));
    labelLists.push(Int32Array.from(labels));
  }
  const sums = Array.from({ length: m + 1 }, () => ({ used: 0, meanSum: 0, eligible: 0, unstable: 0 }));
  const first = new Int32Array(s);
  const present = new Int32Array(s);
  const unstableFlag = new Uint8Array(s);
  const order = Array.from({ length: m }, (_, i) => i);
  for (let r = 0; r < orders; r++) {
    for (let i = 0; i < m; i++) order[i] = i;
    for (let i = m - 1; i > 0; i--) {
      const j = random.nextInt(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    present.fill(0);
    unstableFlag.fill(0);
    let eligible = 0;
    let unstable = 0;
    for (let step = 0; step < m; step++) {
      const model = order[step]!;
      const scenes = sceneLists[model]!;
      const labels = labelLists[model]!;
      for (let v = 0; v < scenes.length; v++) {
        const scene = scenes[v]!;
        const label = labels[v]!;
        const seen = present[scene]!;
        if (seen === 0) first[scene] = label;
        else {
          if (seen === 1) eligible += 1;
          if (unstableFlag[scene] === 0 && label !== first[scene]) {
            unstableFlag[scene] = 1;
            unstable += 1;
          }
        }
        present[scene] = seen + 1;
      }
      const size = step + 1;
      if (size < 2) continue;
      const sum = sums[size]!;
      sum.eligible += eligible;
      sum.unstable += unstable;
      if (eligible > 0) {
        sum.used += 1;
        sum.meanSum += unstable / eligible;
      }
    }
  }
  const points: InstabilityGrowthPoint[] = [];
  for (let size = 2; size <= m; size++) {
    const sum = sums[size]!;
    points.push({
      deviceModels: size,
      subsets: orders,
      subsetsWithEligibleScenes: sum.used,
      meanInstability: sum.used === 0 ? null : sum.meanSum / sum.used,
      eligibleScenes: sum.eligible,
      unstableScenes: sum.unstable,
    });
  }
  return points;
}
