// The metrics' in-memory view of a synthetic study (what the pure path reads), so tests can compare
// it with what the SQL path computes from the same rows in a database. Pure.
import { isCompressionProbeVariant } from "@/lib/reference/compression-probe-settings";
import type { PairedTop1, VariantTop1 } from "../compute-flip-rates";
import type { CapturePrediction } from "../types";
import type { SyntheticStudy } from "./generate-synthetic-study";

export type SyntheticPredictionSets = {
  device: CapturePrediction[];
  reference: CapturePrediction[];
  groundTruth: Map<string, number>;
  pairs: PairedTop1[];
  variants: VariantTop1[];
};

export function collectSyntheticPredictions(study: SyntheticStudy): SyntheticPredictionSets {
  const sets: SyntheticPredictionSets = { device: [], reference: [], groundTruth: new Map(), pairs: [], variants: [] };
  for (const scene of study.scenes) if (scene.labelIndex !== null) sets.groundTruth.set(scene.id, scene.labelIndex);
  for (const chunk of study.chunks()) {
    const captures = new Map(chunk.captures.map((capture) => [capture.id, capture]));
    const byCapture = new Map<string, { device?: number; backend?: string; reference?: number; variants: { variant: string; top1: number }[] }>();
    for (const prediction of chunk.predictions) {
      const capture = captures.get(prediction.captureId)!;
      const entry = byCapture.get(capture.id) ?? { variants: [] };
      byCapture.set(capture.id, entry);
      if (prediction.variant !== "original") {
        if (prediction.source === "reference" && isCompressionProbeVariant(prediction.variant)) entry.variants.push({ variant: prediction.variant, top1: prediction.top1Index });
        continue;
      }
      const row: CapturePrediction = {
        captureId: capture.id,
        sceneId: capture.sceneId,
        deviceId: capture.deviceId,
        deviceModelKey: capture.deviceModelKey,
        capturedAt: capture.createdAt,
        top1: prediction.top1Index,
        topIndices: prediction.top.map((entry) => entry.index),
      };
      if (prediction.source === "device") {
        sets.device.push(row);
        entry.device = prediction.top1Index;
        entry.backend = prediction.backend;
      } else {
        sets.reference.push(row);
        entry.reference = prediction.top1Index;
      }
    }
    for (const [captureId, entry] of byCapture) {
      if (entry.reference === undefined) continue;
      if (entry.device !== undefined) {
        sets.pairs.push({
          captureId,
          deviceModelKey: captures.get(captureId)!.deviceModelKey,
          backend: entry.backend!,
          deviceTop1: entry.device,
          referenceTop1: entry.reference,
        });
      }
      for (const variant of entry.variants) {
        sets.variants.push({ captureId, variant: variant.variant, originalTop1: entry.reference, variantTop1: variant.top1 });
      }
    }
  }
  return sets;
}
