// Within-device instability: (scene, device) groups with 2+ captures whose top-1 labels are not
// all equal / such groups (PRODUCT.md). Groups by the physical device (Capture.deviceId), not by
// device model: it is the baseline of how much one phone disagrees with itself. Pure.
import { toRatio, type CapturePrediction, type Ratio } from "./types";

/** numerator: groups whose top-1 labels differ; denominator: (scene, device) groups with 2+ captures. */
export function computeWithinDeviceInstability(predictions: readonly CapturePrediction[]): Ratio {
  const groups = new Map<string, Map<string, { captures: number; labels: Set<number> }>>();
  for (const prediction of predictions) {
    let byDevice = groups.get(prediction.sceneId);
    if (!byDevice) groups.set(prediction.sceneId, (byDevice = new Map()));
    const group = byDevice.get(prediction.deviceId);
    if (group) {
      group.captures += 1;
      group.labels.add(prediction.top1);
    } else byDevice.set(prediction.deviceId, { captures: 1, labels: new Set([prediction.top1]) });
  }
  let repeated = 0;
  let unstable = 0;
  for (const byDevice of groups.values()) {
    for (const group of byDevice.values()) {
      if (group.captures < 2) continue;
      repeated += 1;
      if (group.labels.size > 1) unstable += 1;
    }
  }
  return toRatio(unstable, repeated);
}
