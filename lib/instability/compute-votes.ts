// Votes: the top-1 label of one device model for one scene (PRODUCT.md, "Metric definitions").
// With several captures of the scene from that device model, the vote is the most frequent top-1;
// a tie goes to the tied label whose earliest capture is earliest, "earliest" meaning the smallest
// Capture.createdAt and, for equal timestamps, the smallest capture id (code-point order,
// PostgreSQL's COLLATE "C"). The SQL path (./sql) implements the same rule. Pure.
import { compareKeys, type CapturePrediction, type Vote } from "./types";

/** Earlier capture first: createdAt, then capture id. */
export function compareCaptureOrder(a: CapturePrediction, b: CapturePrediction): number {
  return a.capturedAt - b.capturedAt || compareKeys(a.captureId, b.captureId);
}

/** Votes of every (scene, device model) with at least one prediction, sorted by scene id then device model key. */
export function computeVotes(predictions: readonly CapturePrediction[]): Vote[] {
  const byScene = new Map<string, Map<string, CapturePrediction[]>>();
  for (const prediction of predictions) {
    let byModel = byScene.get(prediction.sceneId);
    if (!byModel) byScene.set(prediction.sceneId, (byModel = new Map()));
    const group = byModel.get(prediction.deviceModelKey);
    if (group) group.push(prediction);
    else byModel.set(prediction.deviceModelKey, [prediction]);
  }
  const votes: Vote[] = [];
  for (const byModel of byScene.values()) {
    for (const group of byModel.values()) votes.push(decideVote(group));
  }
  return votes.sort((a, b) => compareKeys(a.sceneId, b.sceneId) || compareKeys(a.deviceModelKey, b.deviceModelKey));
}

/** The vote of one (scene, device model) group; `group` is non-empty. */
function decideVote(group: CapturePrediction[]): Vote {
  const ordered = [...group].sort(compareCaptureOrder);
  // Labels in order of their earliest capture, with their counts.
  const tally = new Map<number, { count: number; first: CapturePrediction }>();
  for (const prediction of ordered) {
    const entry = tally.get(prediction.top1);
    if (entry) entry.count += 1;
    else tally.set(prediction.top1, { count: 1, first: prediction });
  }
  let best: { count: number; first: CapturePrediction } | undefined;
  // Map iteration follows insertion order (earliest first), so `>` keeps the earliest among ties.
  for (const entry of tally.values()) if (!best || entry.count > best.count) best = entry;
  const winner = best!;
  return {
    sceneId: winner.first.sceneId,
    deviceModelKey: winner.first.deviceModelKey,
    label: winner.first.top1,
    captures: ordered.length,
    capturesForLabel: winner.count,
    representativeCaptureId: winner.first.captureId,
    topIndices: winner.first.topIndices,
  };
}
