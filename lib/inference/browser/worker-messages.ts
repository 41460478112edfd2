// The typed protocol between the page and the inference Web Worker, with zod schemas on both
// sides of the boundary. Requests carry an id; the worker answers with progress, then `ready`,
// `result` or `error` for that id. Pure.
import { z } from "zod";
import { preprocessingSpecSchema } from "../preprocess";
import { predictionPayloadSchema } from "@/lib/predictions/prediction-payload";

export const backendPreferenceSchema = z.enum(["auto", "webgpu", "wasm"]);
export type BackendPreference = z.infer<typeof backendPreferenceSchema>;

/** The part of a registered model (ModelInfo) the worker needs. */
export const workerModelSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  fileUrl: z.string().min(1),
  /** The gzip copy (/m/<sha256>.onnx.gz), used where the browser can gunzip; absent: plain only. */
  gzipFileUrl: z.string().min(1).optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
  inputName: z.string(),
  outputName: z.string(),
  labels: z.array(z.string()),
  topK: z.number().int().positive(),
  preprocessing: preprocessingSpecSchema,
});
export type WorkerModel = z.infer<typeof workerModelSchema>;

export const workerRequestSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("load"),
    requestId: z.number().int(),
    model: workerModelSchema,
    backend: backendPreferenceSchema,
    /** WASM threads; default: up to 4 when the page is cross-origin isolated, else 1. */
    threads: z.number().int().min(1).max(64).optional(),
  }),
  z.object({
    type: z.literal("classify"),
    requestId: z.number().int(),
    /** The photo's bytes: the first `byteLength` of them (default: all); transferred, and sent back with the result for reuse. */
    bytes: z.instanceof(ArrayBuffer),
    byteLength: z.number().int().nonnegative().optional(),
    variant: predictionPayloadSchema.shape.variant.optional(),
    maxPixels: z.number().int().positive().optional(),
  }),
  z.object({ type: z.literal("run-tensor"), requestId: z.number().int(), tensor: z.instanceof(Float32Array), dims: z.array(z.number().int().positive()) }),
]);
export type WorkerRequest = z.infer<typeof workerRequestSchema>;

export const adapterInfoSchema = z.object({ vendor: z.string(), architecture: z.string(), device: z.string(), description: z.string() });
export type AdapterInfo = z.infer<typeof adapterInfoSchema>;

/** What actually runs: recorded with every prediction. */
export const runtimeStateSchema = z.object({
  backend: z.enum(["webgpu", "wasm"]),
  runtime: z.literal("onnxruntime-web"),
  runtimeVersion: z.string(),
  runtimeBundle: z.string(),
  threads: z.number().int().positive(),
  crossOriginIsolated: z.boolean(),
  adapter: adapterInfoSchema.optional(),
  webgpuFailure: z.string().optional(),
  sessionMs: z.number().nonnegative(),
  modelFromCache: z.boolean(),
});
export type RuntimeState = z.infer<typeof runtimeStateSchema>;

export const loadPhaseSchema = z.enum(["runtime", "model", "session"]);
export type LoadPhase = z.infer<typeof loadPhaseSchema>;

export const decodedInfoSchema = z.object({
  width: z.number().int(),
  height: z.number().int(),
  orientation: z.number().int(),
  format: z.enum(["jpeg", "png", "webp"]),
  scaleDenominator: z.union([z.literal(1), z.literal(8)]),
  sourceWidth: z.number().int(),
  sourceHeight: z.number().int(),
  icc: z.object({ bytes: z.number().int(), description: z.string().optional() }).optional(),
});

export const classifyResultSchema = z.object({
  prediction: predictionPayloadSchema,
  decoded: decodedInfoSchema,
  tensorSha256: z.string(),
  logits: z.instanceof(Float32Array),
});
export type ClassifyResult = z.infer<typeof classifyResultSchema>;

export const workerResponseSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("loading"), requestId: z.number().int(), phase: loadPhaseSchema, loaded: z.number().nonnegative(), total: z.number().nonnegative() }),
  z.object({ type: z.literal("ready"), requestId: z.number().int(), runtime: runtimeStateSchema }),
  /** `bytes`: the request's buffer, back to the page, which copies its next photo into it. */
  z.object({ type: z.literal("result"), requestId: z.number().int(), result: classifyResultSchema, bytes: z.instanceof(ArrayBuffer).optional() }),
  z.object({ type: z.literal("tensor-result"), requestId: z.number().int(), logits: z.instanceof(Float32Array), inferenceMs: z.number() }),
  z.object({ type: z.literal("error"), requestId: z.number().int(), message: z.string() }),
]);
export type WorkerResponse = z.infer<typeof workerResponseSchema>;
