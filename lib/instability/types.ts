// The shapes every instability metric reads and returns, shared by the pure functions in this
// folder, the SQL path in ./sql, the API and the dashboards. Pure types, no runtime code except
// the ratio helper and the one string order every output is sorted by.

/** One prediction of one capture, as the metrics see it (one source and variant at a time). */
export type CapturePrediction = {
  captureId: string;
  sceneId: string;
  /** The physical device (anonymous id); within-device instability groups by it. */
  deviceId: string;
  /** The normalised device model; votes and pairwise instability group by it. */
  deviceModelKey: string;
  /** Capture.createdAt in epoch milliseconds: the first key of the vote tie-break. */
  capturedAt: number;
  /** Top-1 class index. */
  top1: number;
  /** Class indices of the stored top list, best first (used by top-k agreement); null for an entry without one. */
  topIndices: readonly (number | null)[];
};

/** A scene's ground-truth class index, for scenes that have one (Scene.labelIndex). */
export type GroundTruth = ReadonlyMap<string, number>;

/** The vote of one device model for one scene (PRODUCT.md, "Metric definitions"). */
export type Vote = {
  sceneId: string;
  deviceModelKey: string;
  /** The voted class index. */
  label: number;
  /** Captures of this scene by this device model. */
  captures: number;
  /** Of those, captures whose top-1 is the voted label. */
  capturesForLabel: number;
  /**
   * The earliest capture (createdAt, then capture id) whose top-1 is the voted label: the capture
   * that decided the vote, and the one whose top-k list top-k agreement uses.
   */
  representativeCaptureId: string;
  /** The representative capture's top list (class indices, best first; null for an entry without one). */
  topIndices: readonly (number | null)[];
};

/** A metric's value with the counts it came from. `value` is null when the denominator is 0. */
export type Ratio = { numerator: number; denominator: number; value: number | null };

export function toRatio(numerator: number, denominator: number): Ratio {
  return { numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

/**
 * The one order of keys in every output and of capture ids in the vote tie-break: Unicode code
 * point order, which is the byte order of UTF-8 and so PostgreSQL's `COLLATE "C"` (the SQL path
 * sorts with it). Plain `<` on JavaScript strings differs only for characters above U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xIsSurrogate = x >= 0xd800 && x <= 0xdfff;
    const yIsSurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate starts a code point above U+FFFF, which sorts after every other UTF-16 unit.
    if (xIsSurrogate !== yIsSurrogate) return xIsSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
