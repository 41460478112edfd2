// One classification of one photo, the same steps on the phone and on the server: decode (our
// WebAssembly decoders), preprocess (our arithmetic), hash the tensor, run the model (the caller's
// runtime), turn logits into a PredictionPayload, timing each step. Pure apart from the injected runtime.
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import { buildPredictionPayload, type RuntimeInfo } from "./classify";
import { decodeImage, type DecodedImage } from "./decode-image";
import { preprocessImage, preprocessingIdOf, type PreprocessingSpec } from "./preprocess";
import { hashTensor, summarizeTensor } from "./tensor-hash";

/** What a runtime needs to know about a model to classify with it. */
export type ClassifierModel = {
  sha256: string;
  labels: readonly string[];
  topK: number;
  preprocessing: PreprocessingSpec;
};

/** Runs the model on one tensor and returns its raw output (logits). */
export type RunTensor = (tensor: Float32Array, dims: number[]) => Promise<Float32Array>;

export type DecodedImageInfo = Omit<DecodedImage, "data">;

export type ImageClassification = {
  prediction: PredictionPayload;
  decoded: DecodedImageInfo;
  logits: Float32Array;
  tensorSha256: string;
};

const now = () => globalThis.performance.now();

/** The smallest shorter side the preprocessing resizes to: what decodeImage may reduce a big JPEG to. */
export function minShorterSideFor(spec: PreprocessingSpec): number {
  return spec.resize === "shorter-side" ? (spec.resizeShorterSide ?? Math.max(spec.width, spec.height)) : Math.max(spec.width, spec.height);
}

export async function classifyImageBytes(
  bytes: Uint8Array,
  model: ClassifierModel,
  run: RunTensor,
  runtime: RuntimeInfo | (() => RuntimeInfo),
  options: { maxPixels?: number; variant?: PredictionPayload["variant"] } = {},
): Promise<ImageClassification> {
  const t0 = now();
  const decoded = await decodeImage(bytes, { maxPixels: options.maxPixels, minShorterSide: minShorterSideFor(model.preprocessing) });
  const t1 = now();
  const { tensor, dims } = preprocessImage(decoded, model.preprocessing);
  const t2 = now();
  // Started before the model runs, awaited after. Chromium (156) hashes inside digest() on this
  // thread (~0.35 ms for a 224×224 tensor, seen in its traces), so nothing competes with the
  // model's threads; an engine that hashes elsewhere overlaps it with inference. digest() copies
  // the tensor either way.
  const hashing = hashTensor(tensor);
  hashing.catch(() => {}); // awaited below; not an unhandled rejection if run() fails first
  const tensorSummary = summarizeTensor(tensor, dims, model.preprocessing.layout);
  const t3 = now();
  const logits = await run(tensor, dims);
  const t4 = now();
  const tensorSha256 = await hashing;
  const prediction = buildPredictionPayload({
    runtime: typeof runtime === "function" ? runtime() : runtime,
    modelSha256: model.sha256,
    preprocessingId: preprocessingIdOf(model.preprocessing),
    logits,
    labels: model.labels,
    topK: model.topK,
    tensorSha256,
    tensorSummary,
    variant: options.variant,
    timings: { decodeMs: round(t1 - t0), preprocessMs: round(t2 - t1), inferenceMs: round(t4 - t3) },
  });
  const { data: _pixels, ...info } = decoded;
  void _pixels;
  return { prediction, decoded: info, logits, tensorSha256 };
}

function round(ms: number): number {
  return Math.max(0, Math.round(ms * 1000) / 1000);
}
