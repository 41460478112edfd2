// The instability report of one study (what GET /api/v1/studies/{id}/instability returns, less the
// study id and filters): every headline metric of PRODUCT.md with its counts. `assembleInstabilityReport`
// turns counts into the report and is shared by this pure path and the SQL path (./sql), so both
// derive values, intervals and nulls the same way. Pure.
import { computeBootstrapInterval, type BootstrapInterval, type BootstrapOptions } from "./compute-bootstrap-interval";
import { computeCorrectnessInstability } from "./compute-correctness-instability";
import { computeLabelInstability } from "./compute-label-instability";
import { computePairwiseInstability, type PairwiseInstability } from "./compute-pairwise-instability";
import { computeVotes } from "./compute-votes";
import { computeWithinDeviceInstability } from "./compute-within-device-instability";
import { summariseDeviceModels, type DeviceModelSummary } from "./summarise-device-models";
import { summariseScenes } from "./summarise-scenes";
import { type CapturePrediction, type GroundTruth, type Ratio } from "./types";

export const DEFAULT_TOP_K = 5;

export type InstabilityReport = {
  /** Top-k used by pairwise top-k agreement. */
  k: number;
  /** Captures counted (with a prediction of the chosen source), their devices, and scenes with at least one vote. */
  captures: number;
  devices: number;
  scenes: number;
  /** Label instability = unstableScenes / eligibleScenes. */
  eligibleScenes: number;
  unstableScenes: number;
  labelInstability: number | null;
  ci95: BootstrapInterval | null;
  /** Correctness instability = correctnessUnstableScenes / groundTruthScenes (eligible scenes with ground truth). */
  groundTruthScenes: number;
  correctnessUnstableScenes: number;
  correctnessInstability: number | null;
  correctnessCi95: BootstrapInterval | null;
  /** Within-device instability = withinDeviceUnstableGroups / withinDeviceGroups ((scene, device) groups with 2+ captures). */
  withinDeviceGroups: number;
  withinDeviceUnstableGroups: number;
  withinDeviceInstability: number | null;
  pairwise: PairwiseInstability[];
  deviceModels: DeviceModelSummary[];
};

export type InstabilityCounts = {
  k: number;
  captures: number;
  devices: number;
  scenes: number;
  labelInstability: Ratio;
  correctnessInstability: Ratio;
  withinDeviceInstability: Ratio;
  pairwise: PairwiseInstability[];
  deviceModels: DeviceModelSummary[];
};

export function assembleInstabilityReport(counts: InstabilityCounts, bootstrap: BootstrapOptions = {}): InstabilityReport {
  return {
    k: counts.k,
    captures: counts.captures,
    devices: counts.devices,
    scenes: counts.scenes,
    eligibleScenes: counts.labelInstability.denominator,
    unstableScenes: counts.labelInstability.numerator,
    labelInstability: counts.labelInstability.value,
    ci95: computeBootstrapInterval(counts.labelInstability, bootstrap),
    groundTruthScenes: counts.correctnessInstability.denominator,
    correctnessUnstableScenes: counts.correctnessInstability.numerator,
    correctnessInstability: counts.correctnessInstability.value,
    correctnessCi95: computeBootstrapInterval(counts.correctnessInstability, bootstrap),
    withinDeviceGroups: counts.withinDeviceInstability.denominator,
    withinDeviceUnstableGroups: counts.withinDeviceInstability.numerator,
    withinDeviceInstability: counts.withinDeviceInstability.value,
    pairwise: counts.pairwise,
    deviceModels: counts.deviceModels,
  };
}

/** The report computed in memory from one source's predictions (the reference implementation of the SQL path). */
export function computeInstabilityReport(
  predictions: readonly CapturePrediction[],
  groundTruth: GroundTruth,
  options: { k?: number } & BootstrapOptions = {},
): InstabilityReport {
  const k = options.k ?? DEFAULT_TOP_K;
  const votes = computeVotes(predictions);
  const scenes = summariseScenes(votes, groundTruth);
  const counts: InstabilityCounts = {
    k,
    captures: new Set(predictions.map((p) => p.captureId)).size,
    devices: new Set(predictions.map((p) => p.deviceId)).size,
    scenes: scenes.length,
    labelInstability: computeLabelInstability(scenes),
    correctnessInstability: computeCorrectnessInstability(scenes),
    withinDeviceInstability: computeWithinDeviceInstability(predictions),
    pairwise: computePairwiseInstability(votes, groundTruth, k),
    deviceModels: summariseDeviceModels(predictions, votes, groundTruth),
  };
  return assembleInstabilityReport(counts, options);
}
