// Pairwise counts of every pair of device models (PRODUCT.md's pairwise instability, its
// correctness version and top-k agreement) from each scene's votes, in one pass over typed arrays:
// the SQL path's kernel. The database aggregates the votes and sends each eligible scene's votes
// as one short text (./sql/query-instability-counts.ts, through ./tally-scene-votes.ts); counting pairs here costs a few operations per (scene, pair of voters)
// (20 000 scenes × 35 voters ≈ 12 M pairs in well under a second), where any SQL formulation has to
// produce one joined row per pair. ./compute-pairwise-instability.ts is the independent reference
// implementation the database tests compare against. Pure.
import type { PairwiseCounts } from "./compute-pairwise-instability";

/** A missing entry of a top list ("n" in vote text): occupies its position, equals no label. */
export const MISSING_TOP_ENTRY = -2147483648;

/**
 * Reads a scene's vote text as the database writes it ("parallax_vote_text" in
 * prisma/migrations/20261127000000_vote): per vote "model label top1 top2 …" (decimal integers
 * separated by spaces, "n" for a missing top entry), votes separated by commas, into packed votes.
 * `modelNumber` turns the text's device-model number into the packed one (e.g. the database's
 * "DeviceModelKey".seq into a position in key order); it throws for a model it does not know.
 */
export function parseVoteText(text: string, modelNumber: (model: number) => number = (model) => model): Int32Array {
  const out: number[] = [];
  let countAt = -1;
  let value = 0;
  let negative = false;
  let digits = 0;
  let field = 0;
  const endNumber = () => {
    if (digits === 0) throw new Error(`vote text: malformed near offset ${out.length}`);
    out.push(field === 0 ? modelNumber(negative ? -value : value) : negative ? -value : value);
    if (field === 1) {
      countAt = out.length;
      out.push(0);
    } else if (field > 1) out[countAt]! += 1;
    field += 1;
    value = 0;
    negative = false;
    digits = 0;
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      value = value * 10 + (code - 48);
      digits += 1;
    } else if (code === 45 && digits === 0 && !negative) negative = true;
    else if (code === 110 && digits === 0 && !negative && field >= 2) {
      // "n": a missing top entry, written as MISSING_TOP_ENTRY (a whole field).
      const next = text.charCodeAt(i + 1);
      if (i + 1 < text.length && next !== 32 && next !== 44) throw new Error(`vote text: unexpected character ${JSON.stringify(text[i + 1])}`);
      value = MISSING_TOP_ENTRY;
      digits = 1;
    }
    else if (code === 32) endNumber();
    else if (code === 44) {
      endNumber();
      if (field < 2) throw new Error("vote text: a vote without its label");
      field = 0;
    } else throw new Error(`vote text: unexpected character ${JSON.stringify(text[i])}`);
  }
  if (text.length > 0) {
    endNumber();
    if (field < 2) throw new Error("vote text: a vote without its label");
  }
  return Int32Array.from(out);
}

/**
 * Accumulates scenes. Packed votes are flat integers, per vote: device model number (0-based index
 * into the sorted model list), voted label, n = length of its top-k list, then the n entries.
 */
export class ScenePairCounter {
  private readonly shared: Int32Array;
  private readonly differ: Int32Array;
  private readonly truthShared: Int32Array;
  private readonly oneCorrect: Int32Array;
  private readonly topKAgree: Int32Array;
  // Per-scene scratch, grown as needed.
  private model = new Int32Array(64);
  private label = new Int32Array(64);
  private group = new Int32Array(64);
  private mask = new Uint32Array(64);
  private topStart = new Int32Array(64);
  private topLength = new Int32Array(64);

  constructor(
    private readonly modelCount: number,
    private readonly k: number,
  ) {
    const cells = modelCount * modelCount;
    this.shared = new Int32Array(cells);
    this.differ = new Int32Array(cells);
    this.truthShared = new Int32Array(cells);
    this.oneCorrect = new Int32Array(cells);
    this.topKAgree = new Int32Array(cells);
  }

  /** One scene: its ground-truth class index (null when unknown) and its packed votes. */
  addScene(truth: number | null, packed: Int32Array): void {
    const n = this.readVotes(packed);
    const { model, label, group, mask, shared, differ, truthShared, oneCorrect, topKAgree, modelCount } = this;
    // Distinct labels of the scene, numbered; a vote's mask has bit g set when the scene's g-th
    // label is in its top-k, so a pair's top-k test is two bit tests.
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      let g = labels.indexOf(label[i]!);
      if (g < 0) g = labels.push(label[i]!) - 1;
      group[i] = g;
    }
    const useMasks = labels.length <= 32;
    if (useMasks) for (let i = 0; i < n; i++) mask[i] = this.topKMask(i, labels);
    for (let i = 0; i < n; i++) {
      const mi = model[i]!;
      const li = label[i]!;
      const gi = group[i]!;
      const correctI = truth !== null && li === truth;
      for (let j = i + 1; j < n; j++) {
        const mj = model[j]!;
        const cell = mi < mj ? mi * modelCount + mj : mj * modelCount + mi;
        const lj = label[j]!;
        shared[cell]! += 1;
        if (li !== lj) differ[cell]! += 1;
        if (truth !== null) {
          truthShared[cell]! += 1;
          if (correctI !== (lj === truth)) oneCorrect[cell]! += 1;
        }
        const agrees = useMasks ? ((mask[j]! >>> gi) & 1) === 1 || ((mask[i]! >>> group[j]!) & 1) === 1 : this.inTopK(li, j) || this.inTopK(lj, i);
        if (agrees) topKAgree[cell]! += 1;
      }
    }
  }

  /** Counts of every unordered pair, sorted as `models` is (model number i is models[i]). */
  rows(models: readonly string[]): PairwiseCounts[] {
    const m = this.modelCount;
    const rows: PairwiseCounts[] = [];
    for (let a = 0; a < m; a++) {
      for (let b = a + 1; b < m; b++) {
        const cell = a * m + b;
        rows.push({
          a: models[a]!,
          b: models[b]!,
          sharedScenes: this.shared[cell]!,
          disagreements: this.differ[cell]!,
          correctSharedScenes: this.truthShared[cell]!,
          correctDisagreements: this.oneCorrect[cell]!,
          topKAgreements: this.topKAgree[cell]!,
        });
      }
    }
    return rows;
  }

  private packed: Int32Array = new Int32Array(0);

  private readVotes(packed: Int32Array): number {
    this.packed = packed;
    let n = 0;
    for (let at = 0; at < packed.length; n++) {
      if (n === this.model.length) this.grow();
      const length = packed[at + 2]!;
      if (length < 0 || at + 3 + length > packed.length) throw new Error("packed votes: malformed");
      this.model[n] = packed[at]!;
      if (this.model[n]! < 0 || this.model[n]! >= this.modelCount) throw new Error("packed votes: device model number out of range");
      this.label[n] = packed[at + 1]!;
      this.topStart[n] = at + 3;
      this.topLength[n] = Math.min(length, this.k);
      at += 3 + length;
    }
    return n;
  }

  private grow() {
    const size = this.model.length * 2;
    const grown = <T extends Int32Array | Uint32Array>(array: T): T => {
      const next = new (array.constructor as new (n: number) => T)(size);
      next.set(array);
      return next;
    };
    this.model = grown(this.model);
    this.label = grown(this.label);
    this.group = grown(this.group);
    this.mask = grown(this.mask);
    this.topStart = grown(this.topStart);
    this.topLength = grown(this.topLength);
  }

  private topKMask(vote: number, labels: readonly number[]): number {
    let mask = 0;
    const start = this.topStart[vote]!;
    const end = start + this.topLength[vote]!;
    for (let at = start; at < end; at++) {
      const g = labels.indexOf(this.packed[at]!);
      if (g >= 0) mask |= 1 << g;
    }
    return mask >>> 0;
  }

  /** Whether `label` is in the top-k list of vote `vote` (scenes with more than 32 distinct labels). */
  private inTopK(label: number, vote: number): boolean {
    const start = this.topStart[vote]!;
    const end = start + this.topLength[vote]!;
    for (let at = start; at < end; at++) if (this.packed[at] === label) return true;
    return false;
  }
}
