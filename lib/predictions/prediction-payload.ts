// The shape of one prediction as a phone (or the server's reference run) reports it: which model
// ran where, with which preprocessing, what came out, and how long each step took. Shared by the
// browser runtime, the server reference inference, the capture API and the simulator. Pure.
import { z } from "zod";

export const PREDICTION_SOURCES = ["device", "reference"] as const;
export const PREDICTION_VARIANTS = ["original", "rectified", "jpeg-q50", "jpeg-q75", "jpeg-q95", "lossless"] as const;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex SHA-256");
const milliseconds = z.number().finite().nonnegative().max(3_600_000);

export const topEntrySchema = z.strictObject({
  index: z.number().int().nonnegative().max(1_000_000),
  label: z.string().max(300),
  prob: z.number().finite().min(0).max(1),
});

export const tensorSummarySchema = z.strictObject({
  /** Per channel (in the model's colour order): min, max, mean, standard deviation. */
  min: z.array(z.number().finite()).max(16),
  max: z.array(z.number().finite()).max(16),
  mean: z.array(z.number().finite()).max(16),
  std: z.array(z.number().finite()).max(16),
});

export const predictionPayloadSchema = z.strictObject({
  source: z.enum(PREDICTION_SOURCES),
  variant: z.enum(PREDICTION_VARIANTS).default("original"),
  /** The backend that actually ran: "webgpu" | "wasm" | "cpu" (never the one merely requested). */
  backend: z.string().min(1).max(40),
  runtime: z.string().min(1).max(60),
  runtimeVersion: z.string().max(60).optional(),
  runtimeBundle: z.string().max(120).optional(),
  threads: z.number().int().min(1).max(256).optional(),
  /** Why a WebGPU session failed before WASM ran, when it did. */
  webgpuFailure: z.string().max(2000).optional(),
  modelSha256: sha256Hex,
  preprocessingId: z.string().min(1).max(200),
  tensorSha256: sha256Hex.optional(),
  tensorSummary: tensorSummarySchema.optional(),
  /** Best first; at least the top-1. */
  top: z.array(topEntrySchema).min(1).max(100),
  timings: z
    .strictObject({ decodeMs: milliseconds.optional(), preprocessMs: milliseconds.optional(), inferenceMs: milliseconds.optional() })
    .default({}),
});

export type PredictionPayload = z.infer<typeof predictionPayloadSchema>;
export type PredictionPayloadInput = z.input<typeof predictionPayloadSchema>;
export type TopEntry = z.infer<typeof topEntrySchema>;
export type TensorSummary = z.infer<typeof tensorSummarySchema>;
