// Per device model: how many devices and captures it contributed, how many scenes it voted on,
// and its accuracy. Accuracy is counted over votes, like every other metric here: scenes with
// ground truth where the device model's vote is the ground truth / scenes with ground truth it
// voted on (so a scene photographed five times weighs as much as one photographed once). Pure.
import { compareKeys, toRatio, type CapturePrediction, type GroundTruth, type Vote } from "./types";

export type DeviceModelSummary = {
  key: string;
  /** Distinct devices with at least one counted capture. */
  devices: number;
  /** Captures with a prediction of the chosen source. */
  captures: number;
  /** Scenes it voted on. */
  scenes: number;
  /** Its votes on scenes with ground truth. */
  votesWithGroundTruth: number;
  /** Of those, votes equal to the ground truth. */
  correctVotes: number;
  /** correctVotes / votesWithGroundTruth, null without ground truth. */
  accuracy: number | null;
};

/** One row per device model with at least one prediction, sorted by key. */
export function summariseDeviceModels(
  predictions: readonly CapturePrediction[],
  votes: readonly Vote[],
  groundTruth: GroundTruth,
): DeviceModelSummary[] {
  const rows = new Map<string, { devices: Set<string>; captures: number; scenes: number; withTruth: number; correct: number }>();
  const row = (key: string) => {
    let entry = rows.get(key);
    if (!entry) rows.set(key, (entry = { devices: new Set(), captures: 0, scenes: 0, withTruth: 0, correct: 0 }));
    return entry;
  };
  for (const prediction of predictions) {
    const entry = row(prediction.deviceModelKey);
    entry.devices.add(prediction.deviceId);
    entry.captures += 1;
  }
  for (const vote of votes) {
    const entry = row(vote.deviceModelKey);
    entry.scenes += 1;
    const truth = groundTruth.get(vote.sceneId);
    if (truth === undefined) continue;
    entry.withTruth += 1;
    if (vote.label === truth) entry.correct += 1;
  }
  return [...rows.entries()]
    .sort(([a], [b]) => compareKeys(a, b))
    .map(([key, entry]) => ({
      key,
      devices: entry.devices.size,
      captures: entry.captures,
      scenes: entry.scenes,
      votesWithGroundTruth: entry.withTruth,
      correctVotes: entry.correct,
      accuracy: toRatio(entry.correct, entry.withTruth).value,
    }));
}
