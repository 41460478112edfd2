// Correctness instability: eligible scenes where at least one vote is correct and at least one is
// wrong / eligible scenes with ground truth (PRODUCT.md). Pure.
import type { SceneSummary } from "./summarise-scenes";
import { toRatio, type Ratio } from "./types";

/**
 * numerator: eligible scenes with ground truth whose votes are mixed (some correct, some wrong);
 * denominator: eligible scenes with ground truth; value null when there are none.
 */
export function computeCorrectnessInstability(scenes: readonly SceneSummary[]): Ratio {
  let withTruth = 0;
  let mixed = 0;
  for (const scene of scenes) {
    if (!scene.isEligible || scene.groundTruth === null) continue;
    withTruth += 1;
    if (scene.isCorrectnessMixed) mixed += 1;
  }
  return toRatio(mixed, withTruth);
}
