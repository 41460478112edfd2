// Label instability of a study: unstable eligible scenes / eligible scenes (PRODUCT.md). Needs no
// ground truth. Pure.
import type { SceneSummary } from "./summarise-scenes";
import { toRatio, type Ratio } from "./types";

/** numerator: unstable eligible scenes; denominator: eligible scenes; value null when none is eligible. */
export function computeLabelInstability(scenes: readonly SceneSummary[]): Ratio {
  let eligible = 0;
  let unstable = 0;
  for (const scene of scenes) {
    if (!scene.isEligible) continue;
    eligible += 1;
    if (scene.isUnstable) unstable += 1;
  }
  return toRatio(unstable, eligible);
}
