// The simulator's known truth: what it injected (each device model's camera character and
// strength, its identity and the device-model key the server should derive from it), which
// captures each device made, and the prediction it computed and uploaded for each. Written as JSON
// so tests and researchers can check that the dashboards recover it. The zod schema is the file's
// contract; `computeTruthInstability` runs the product's own metric functions on the record.
import { z } from "zod";
import { computeInstabilityReport, type InstabilityReport } from "@/lib/instability/compute-instability-report";
import type { CapturePrediction } from "@/lib/instability/types";
import { topEntrySchema } from "@/lib/predictions/prediction-payload";

export const TRUTH_FORMAT = "parallax-simulator-truth/1";

const characterSchema = z.object({
  whiteBalance: z.object({ r: z.number(), g: z.number(), b: z.number() }),
  exposureEv: z.number(),
  gamma: z.number(),
  contrast: z.number(),
  saturation: z.number(),
  sharpen: z.object({ sigma: z.number(), amount: z.number() }),
  noiseSd: z.number(),
  jpegQuality: z.number().int(),
  chromaSubsampling: z.enum(["4:2:0", "4:4:4"]),
  width: z.number().int(),
  height: z.number().int(),
  framing: z.object({ offsetX: z.number(), offsetY: z.number(), zoom: z.number() }),
});

export const truthDeviceSchema = z.object({
  key: z.string(),
  /** The server's anonymous device id (absent in an offline run). */
  deviceId: z.string().optional(),
  captures: z.number().int(),
});

export const truthDeviceModelSchema = z.object({
  key: z.string(),
  /** The device-model key the server derives from this identity (lib/devices). */
  deviceModelKey: z.string(),
  identity: z.object({
    make: z.string(),
    model: z.string(),
    marketingName: z.string(),
    os: z.string(),
    osVersion: z.string(),
    browser: z.string(),
    userAgent: z.string(),
    exif: z.object({ make: z.string(), model: z.string(), software: z.string() }),
  }),
  strength: z.number(),
  whiteBalanceShift: z.number(),
  deviations: z.record(z.string(), z.number()),
  character: characterSchema,
  devices: z.array(truthDeviceSchema),
});

export const truthCaptureSchema = z.object({
  clientCaptureId: z.string(),
  /** Position in upload order (captures of one scene and device model are uploaded in this order). */
  order: z.number().int(),
  sceneKey: z.string(),
  deviceKey: z.string(),
  modelKey: z.string(),
  burstId: z.string().optional(),
  burstIndex: z.number().int().optional(),
  capturedAt: z.string(),
  image: z.object({ sha256: z.string(), sizeBytes: z.number().int(), width: z.number().int(), height: z.number().int() }),
  prediction: z.object({ top1Index: z.number().int(), top: z.array(topEntrySchema), tensorSha256: z.string().optional() }),
  /** The server's capture id and the device-model key it filed the capture under (absent offline). */
  captureId: z.string().optional(),
  serverDeviceModelKey: z.string().optional(),
});

export const simulationTruthSchema = z.object({
  format: z.literal(TRUTH_FORMAT),
  seed: z.string(),
  options: z.object({
    devices: z.number().int(),
    scenes: z.number().int(),
    maxPhotoSide: z.number().int(),
    skipProbability: z.number(),
    burstProbability: z.number(),
    baseScenes: z.string(),
  }),
  server: z.object({ url: z.string(), studyId: z.string(), studyCode: z.string() }).nullable(),
  model: z.object({ sha256: z.string(), name: z.string(), numClasses: z.number().int(), preprocessingId: z.string(), runtime: z.string(), runtimeVersion: z.string().optional() }),
  scenes: z.array(z.object({ key: z.string(), source: z.string(), label: z.string().optional(), labelIndex: z.number().int().optional() })),
  deviceModels: z.array(truthDeviceModelSchema),
  captures: z.array(truthCaptureSchema),
});

export type SimulationTruth = z.infer<typeof simulationTruthSchema>;
export type TruthCapture = z.infer<typeof truthCaptureSchema>;
export type TruthDeviceModel = z.infer<typeof truthDeviceModelSchema>;

export function parseSimulationTruth(json: unknown): SimulationTruth {
  return simulationTruthSchema.parse(json);
}

/** The truth's captures as the metric functions see them (device-model keys as the server derives them). */
export function toCapturePredictions(truth: SimulationTruth): CapturePrediction[] {
  const modelKeys = new Map(truth.deviceModels.map((model) => [model.key, model.deviceModelKey]));
  return truth.captures.map((capture) => ({
    captureId: capture.clientCaptureId,
    sceneId: capture.sceneKey,
    deviceId: capture.deviceKey,
    deviceModelKey: modelKeys.get(capture.modelKey) ?? capture.modelKey,
    // Upload order stands in for the server's creation time (the vote tie-break).
    capturedAt: capture.order,
    top1: capture.prediction.top1Index,
    topIndices: capture.prediction.top.map((entry) => entry.index),
  }));
}

/** The instability report the server should give for the simulated study (device predictions). */
export function computeTruthInstability(truth: SimulationTruth, options: { k?: number } = {}): InstabilityReport {
  const groundTruth = new Map(truth.scenes.filter((scene) => scene.labelIndex !== undefined).map((scene) => [scene.key, scene.labelIndex!]));
  return computeInstabilityReport(toCapturePredictions(truth), groundTruth, { k: options.k });
}

/** Mean pairwise label instability of each device model against all others it shares scenes with (by truth model key). */
export function computeMeanPairwiseInstability(truth: SimulationTruth, report: InstabilityReport = computeTruthInstability(truth)): Map<string, number> {
  const byServerKey = new Map<string, number[]>();
  for (const pair of report.pairwise) {
    if (pair.instability === null) continue;
    for (const key of [pair.a, pair.b]) byServerKey.set(key, [...(byServerKey.get(key) ?? []), pair.instability]);
  }
  const result = new Map<string, number>();
  for (const model of truth.deviceModels) {
    const values = byServerKey.get(model.deviceModelKey) ?? [];
    if (values.length) result.set(model.key, values.reduce((sum, value) => sum + value, 0) / values.length);
  }
  return result;
}
