// Per-class instability: label instability of the eligible scenes of each class, a scene's class
// being its ground-truth label when it has one, else the majority of its votes (ties go to the
// smallest class index, so the result does not depend on device model names or input order). Pure.
import type { SceneSummary } from "./summarise-scenes";
import { toRatio } from "./types";

export type ClassInstability = {
  classIndex: number;
  /** Eligible scenes of this class. */
  eligibleScenes: number;
  /** Of those, unstable scenes. */
  unstableScenes: number;
  instability: number | null;
  /** How many of the eligible scenes got this class from ground truth (the rest from their majority vote). */
  scenesByGroundTruth: number;
};

/** One row per class with at least one eligible scene, sorted by class index. */
export function computePerClassInstability(scenes: readonly SceneSummary[]): ClassInstability[] {
  const classes = new Map<number, { eligible: number; unstable: number; byTruth: number }>();
  for (const scene of scenes) {
    if (!scene.isEligible) continue;
    const classIndex = scene.groundTruth ?? scene.majorityLabel;
    let entry = classes.get(classIndex);
    if (!entry) classes.set(classIndex, (entry = { eligible: 0, unstable: 0, byTruth: 0 }));
    entry.eligible += 1;
    if (scene.isUnstable) entry.unstable += 1;
    if (scene.groundTruth !== null) entry.byTruth += 1;
  }
  return [...classes.entries()]
    .sort(([a], [b]) => a - b)
    .map(([classIndex, entry]) => ({
      classIndex,
      eligibleScenes: entry.eligible,
      unstableScenes: entry.unstable,
      instability: toRatio(entry.unstable, entry.eligible).value,
      scenesByGroundTruth: entry.byTruth,
    }));
}
