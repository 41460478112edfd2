// Pairwise instability I(A,B) of every pair of device models (PRODUCT.md): over scenes with votes
// from both, the share where the votes differ; the correctness version (over such scenes with
// ground truth, the share where exactly one of the two votes is correct); and top-k agreement
// (A's vote is in B's top-k or B's vote is in A's top-k, each top-k taken from the capture that
// decided that device model's vote, see Vote.representativeCaptureId). Symmetric, so each
// unordered pair appears once with a < b. Pure.
import { compareKeys, toRatio, type GroundTruth, type Vote } from "./types";

export type PairwiseInstability = {
  /** The smaller device model key (code-point order). */
  a: string;
  b: string;
  /** Scenes with votes from both A and B. */
  sharedScenes: number;
  /** Of those, scenes where A's and B's votes differ. */
  disagreements: number;
  /** disagreements / sharedScenes, null when they share no scene. */
  instability: number | null;
  correctness: {
    /** Shared scenes with ground truth. */
    sharedScenes: number;
    /** Of those, scenes where exactly one of A and B is correct. */
    disagreements: number;
    instability: number | null;
  };
  topK: {
    k: number;
    /** Shared scenes where A's vote is in B's top-k or B's vote is in A's top-k. */
    agreements: number;
    /** agreements / sharedScenes, null when they share no scene. */
    agreement: number | null;
  };
};

export type PairwiseCounts = Pick<PairwiseInstability, "a" | "b" | "sharedScenes" | "disagreements"> & {
  correctSharedScenes: number;
  correctDisagreements: number;
  topKAgreements: number;
};

/** Whether `label` is among the first k entries of `topIndices`. */
export function isInTopK(label: number, topIndices: readonly (number | null)[], k: number): boolean {
  const end = Math.min(k, topIndices.length);
  for (let i = 0; i < end; i++) if (topIndices[i] === label) return true;
  return false;
}

/** Every unordered pair of device models that voted anywhere, sorted by (a, b); pairs sharing no scene have zero counts. */
export function computePairwiseInstability(votes: readonly Vote[], groundTruth: GroundTruth, k: number): PairwiseInstability[] {
  const models = [...new Set(votes.map((vote) => vote.deviceModelKey))].sort(compareKeys);
  const index = new Map(models.map((model, i) => [model, i]));
  const m = models.length;
  const counts = Array.from({ length: m * m }, () => ({ shared: 0, differ: 0, truthShared: 0, oneCorrect: 0, topK: 0 }));
  const byScene = new Map<string, Vote[]>();
  for (const vote of votes) {
    const list = byScene.get(vote.sceneId);
    if (list) list.push(vote);
    else byScene.set(vote.sceneId, [vote]);
  }
  for (const [sceneId, sceneVotes] of byScene) {
    const truth = groundTruth.get(sceneId);
    for (let i = 0; i < sceneVotes.length; i++) {
      for (let j = 0; j < sceneVotes.length; j++) {
        const x = sceneVotes[i]!;
        const y = sceneVotes[j]!;
        const ix = index.get(x.deviceModelKey)!;
        const iy = index.get(y.deviceModelKey)!;
        if (ix >= iy) continue;
        const cell = counts[ix * m + iy]!;
        cell.shared += 1;
        if (x.label !== y.label) cell.differ += 1;
        if (truth !== undefined) {
          cell.truthShared += 1;
          if ((x.label === truth) !== (y.label === truth)) cell.oneCorrect += 1;
        }
        if (isInTopK(x.label, y.topIndices, k) || isInTopK(y.label, x.topIndices, k)) cell.topK += 1;
      }
    }
  }
  const rows: PairwiseCounts[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const cell = counts[i * m + j]!;
      rows.push({
        a: models[i]!,
        b: models[j]!,
        sharedScenes: cell.shared,
        disagreements: cell.differ,
        correctSharedScenes: cell.truthShared,
        correctDisagreements: cell.oneCorrect,
        topKAgreements: cell.topK,
      });
    }
  }
  return rows.map((row) => toPairwiseInstability(row, k));
}

/** The published row from its counts (the SQL path produces the same counts). */
export function toPairwiseInstability(counts: PairwiseCounts, k: number): PairwiseInstability {
  return {
    a: counts.a,
    b: counts.b,
    sharedScenes: counts.sharedScenes,
    disagreements: counts.disagreements,
    instability: toRatio(counts.disagreements, counts.sharedScenes).value,
    correctness: {
      sharedScenes: counts.correctSharedScenes,
      disagreements: counts.correctDisagreements,
      instability: toRatio(counts.correctDisagreements, counts.correctSharedScenes).value,
    },
    topK: { k, agreements: counts.topKAgreements, agreement: toRatio(counts.topKAgreements, counts.sharedScenes).value },
  };
}
