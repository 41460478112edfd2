// How much of the phones' instability is runtime divergence: of the scenes that are unstable with
// device votes, the share that are stable when only the server's reference votes (same bytes,
// canonical runtime) are used. Counted over scenes unstable with device votes that are also
// eligible with reference votes (a scene without 2+ reference votes can be neither). Pure.
import type { SceneSummary } from "./summarise-scenes";
import { toRatio, type Ratio } from "./types";

/**
 * numerator: scenes unstable with device votes, eligible and stable with reference votes;
 * denominator: scenes unstable with device votes and eligible with reference votes.
 */
export function computeReferenceStabilisation(deviceScenes: readonly SceneSummary[], referenceScenes: readonly SceneSummary[]): Ratio {
  const reference = new Map(referenceScenes.map((scene) => [scene.sceneId, scene]));
  let comparable = 0;
  let stabilised = 0;
  for (const scene of deviceScenes) {
    if (!scene.isUnstable) continue;
    const other = reference.get(scene.sceneId);
    if (!other?.isEligible) continue;
    comparable += 1;
    if (!other.isUnstable) stabilised += 1;
  }
  return toRatio(stabilised, comparable);
}
