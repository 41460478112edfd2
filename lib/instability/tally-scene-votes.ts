// Everything the instability report counts from each scene's votes, in one pass over packed votes
// (./count-scene-pairs.ts): the scene facts behind label and correctness instability, each device
// model's votes with and without ground truth (its accuracy), and, through ScenePairCounter, the
// counts of every pair of device models. The database aggregates the votes and sends each scene's
// as one short text (./sql/query-instability-counts.ts); the definitions are PRODUCT.md's, as
// ./summarise-scenes.ts, ./compute-label-instability.ts, ./compute-correctness-instability.ts and
// ./summarise-device-models.ts implement them for the pure path (the database tests compare the
// two). Pure.
import type { PairwiseCounts } from "./compute-pairwise-instability";
import { ScenePairCounter } from "./count-scene-pairs";

export type SceneVoteTallies = {
  /** Scenes with at least one vote. */
  scenes: number;
  /** Scenes with 2+ votes, and those among them whose votes are not all equal. */
  eligibleScenes: number;
  unstableScenes: number;
  /** Eligible scenes with ground truth, and those among them with both correct and wrong votes. */
  groundTruthScenes: number;
  correctnessUnstableScenes: number;
  /** Per device model number: scenes it voted on, those with ground truth, its correct votes. */
  models: Array<{ scenes: number; votesWithGroundTruth: number; correctVotes: number }>;
  /** Every unordered pair of device models, sorted by model number (a, b). */
  pairs: PairwiseCounts[];
};

export class SceneVoteTally {
  private scenes = 0;
  private eligible = 0;
  private unstable = 0;
  private truthScenes = 0;
  private mixed = 0;
  private readonly modelScenes: Int32Array;
  private readonly modelTruthVotes: Int32Array;
  private readonly modelCorrectVotes: Int32Array;
  private readonly pairs: ScenePairCounter;

  constructor(
    private readonly modelCount: number,
    k: number,
  ) {
    this.modelScenes = new Int32Array(modelCount);
    this.modelTruthVotes = new Int32Array(modelCount);
    this.modelCorrectVotes = new Int32Array(modelCount);
    this.pairs = new ScenePairCounter(modelCount, k);
  }

  /** One scene: its ground-truth class index (null when unknown) and its packed votes (one per device model). */
  addScene(truth: number | null, packed: Int32Array): void {
    let votes = 0;
    let correct = 0;
    let first = 0;
    let split = false;
    for (let at = 0; at < packed.length; at += 3 + packed[at + 2]!) {
      const model = packed[at]!;
      const label = packed[at + 1]!;
      if (!(model >= 0 && model < this.modelCount) || packed[at + 2]! < 0) throw new Error("packed votes: malformed");
      votes += 1;
      if (votes === 1) first = label;
      else if (label !== first) split = true;
      this.modelScenes[model]! += 1;
      if (truth !== null) {
        this.modelTruthVotes[model]! += 1;
        if (label === truth) {
          this.modelCorrectVotes[model]! += 1;
          correct += 1;
        }
      }
    }
    if (votes === 0) return;
    this.scenes += 1;
    if (votes < 2) return;
    this.eligible += 1;
    if (split) this.unstable += 1;
    if (truth !== null) {
      this.truthScenes += 1;
      if (correct > 0 && correct < votes) this.mixed += 1;
    }
    this.pairs.addScene(truth, packed);
  }

  /** The tallies; `models` names the device model numbers (model i is models[i]). */
  result(models: readonly string[]): SceneVoteTallies {
    return {
      scenes: this.scenes,
      eligibleScenes: this.eligible,
      unstableScenes: this.unstable,
      groundTruthScenes: this.truthScenes,
      correctnessUnstableScenes: this.mixed,
      models: Array.from({ length: this.modelCount }, (_, i) => ({
        scenes: this.modelScenes[i]!,
        votesWithGroundTruth: this.modelTruthVotes[i]!,
        correctVotes: this.modelCorrectVotes[i]!,
      })),
      pairs: this.pairs.rows(models),
    };
  }
}
