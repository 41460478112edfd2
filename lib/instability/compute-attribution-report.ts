// The attribution report computed in memory (the reference for ./sql/get-attribution-report.ts):
// runtime flip rates, device vs capture (reference-vote) instability, the share of device-unstable
// scenes that reference votes make stable, and the compression probe. Pure.
import { computeRuntimeFlipRates, computeVariantFlipRates, type KeyedRatio, type PairedTop1, type RuntimeFlipRates, type VariantTop1 } from "./compute-flip-rates";
import { computeLabelInstability } from "./compute-label-instability";
import { computeReferenceStabilisation } from "./compute-reference-stabilisation";
import { computeVotes } from "./compute-votes";
import { summariseScenes } from "./summarise-scenes";
import type { CapturePrediction, Ratio } from "./types";

export type AttributionReport = {
  runtimeFlipRate: RuntimeFlipRates;
  /** Label instability from device votes (what the phones disagree on). */
  deviceInstability: Ratio;
  /** Label instability from reference votes: the capture's own share (sensor, ISP, compression, framing). */
  captureInstability: Ratio;
  /** Device-unstable scenes that are stable with reference votes / device-unstable scenes eligible with reference votes. */
  stabilisedByReference: Ratio;
  /** Per compression-probe variant: captures whose reference top-1 changed / captures probed. */
  compressionProbe: KeyedRatio[];
};

export function computeAttributionReport(input: {
  device: readonly CapturePrediction[];
  reference: readonly CapturePrediction[];
  pairs: readonly PairedTop1[];
  variants: readonly VariantTop1[];
}): AttributionReport {
  const none = new Map<string, number>();
  const deviceScenes = summariseScenes(computeVotes(input.device), none);
  const referenceScenes = summariseScenes(computeVotes(input.reference), none);
  return {
    runtimeFlipRate: computeRuntimeFlipRates(input.pairs),
    deviceInstability: computeLabelInstability(deviceScenes),
    captureInstability: computeLabelInstability(referenceScenes),
    stabilisedByReference: computeReferenceStabilisation(deviceScenes, referenceScenes),
    compressionProbe: computeVariantFlipRates(input.variants),
  };
}
