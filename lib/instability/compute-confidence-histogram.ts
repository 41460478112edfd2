// Confidence distributions: per device model, how many predictions' top-1 probability falls in each
// of `bins` equal bins over [0, 1] (bin = min(floor(p · bins), bins − 1) in double precision, so
// p = 1 lands in the last bin). Pure; the SQL path uses the same formula.
import { compareKeys } from "./types";

export const DEFAULT_CONFIDENCE_BINS = 20;

export type ConfidenceHistogram = { key: string; predictions: number; counts: number[] };

export function confidenceBin(prob: number, bins: number): number {
  return Math.min(Math.max(Math.floor(prob * bins), 0), bins - 1);
}

export function computeConfidenceHistograms(
  rows: readonly { deviceModelKey: string; top1Prob: number }[],
  bins = DEFAULT_CONFIDENCE_BINS,
): ConfidenceHistogram[] {
  const byModel = new Map<string, number[]>();
  for (const row of rows) {
    let counts = byModel.get(row.deviceModelKey);
    if (!counts) byModel.set(row.deviceModelKey, (counts = new Array<number>(bins).fill(0)));
    counts[confidenceBin(row.top1Prob, bins)]! += 1;
  }
  return [...byModel.entries()]
    .sort(([a], [b]) => compareKeys(a, b))
    .map(([key, counts]) => ({ key, predictions: counts.reduce((sum, n) => sum + n, 0), counts }));
}
