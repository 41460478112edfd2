// The capture upload's `meta` part and the capture views the API returns. Pure (zod only): the
// phone page, the simulator, scripts and the server share these shapes.
//
// POST /api/v1/captures, multipart/form-data, parts in this order:
//   meta  — JSON, captureMetaSchema below
//   image — the photo's bytes exactly as captured (JPEG, PNG or WebP)
import { z } from "zod";
import { deviceInfoSchema } from "@/lib/devices/device-info";
import { captureSceneDetectionSchema } from "@/lib/display/display-schemas";
import { predictionPayloadSchema, PREDICTION_SOURCES, PREDICTION_VARIANTS } from "@/lib/predictions/prediction-payload";
import { sceneKeySchema } from "@/lib/studies/study-schemas";

export const CAPTURE_METHODS = ["native-camera", "live-camera", "gallery", "simulated"] as const;
export type CaptureMethod = (typeof CAPTURE_METHODS)[number];

export const REFERENCE_STATUSES = ["pending", "running", "done", "failed", "skipped"] as const;

export const captureMetaSchema = z
  .strictObject({
    /** Generated on the phone (crypto.randomUUID()) when the photo is taken; the upload's idempotency key. */
    clientCaptureId: z.uuid(),
    /** Optional check: the study the phone believes it uploads to (must be the device token's study). */
    studyId: z.string().min(1).max(100).optional(),
    sceneKey: sceneKeySchema,
    captureMethod: z.enum(CAPTURE_METHODS),
    /** When the photo was taken, by the phone's clock (ISO 8601 with offset). */
    capturedAt: z.iso.datetime({ offset: true }).optional(),
    /** Shots of one burst share a burstId; burstIndex counts from 0. */
    burstId: z.string().min(1).max(100).optional(),
    burstIndex: z.number().int().min(0).max(99).optional(),
    /** The device's current details (updates the device's identity; same shape as at join). */
    device: deviceInfoSchema.optional(),
    /** What the model answered on the phone; source must be "device". */
    predictions: z.array(predictionPayloadSchema).max(20).default([]),
    /** Display mode: where the phone found the display's QR codes and the stimulus in the photo. */
    sceneDetection: captureSceneDetectionSchema.optional(),
  })
  .superRefine((meta, ctx) => {
    if (meta.burstIndex !== undefined && meta.burstId === undefined) {
      ctx.addIssue({ code: "custom", path: ["burstIndex"], message: "needs burstId" });
    }
    const seen = new Set<string>();
    meta.predictions.forEach((prediction, index) => {
      if (prediction.source !== "device") {
        ctx.addIssue({ code: "custom", path: ["predictions", index, "source"], message: 'phones upload "device" predictions; reference predictions are made by the server' });
      }
      const key = `${prediction.source}/${prediction.variant}`;
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["predictions", index, "variant"], message: `a second ${key} prediction` });
      seen.add(key);
    });
  });
export type CaptureMeta = z.infer<typeof captureMetaSchema>;
export type CaptureMetaInput = z.input<typeof captureMetaSchema>;

const isoDate = z.iso.datetime();

export const exifSummarySchema = z.object({
  make: z.string().optional(),
  model: z.string().optional(),
  software: z.string().optional(),
  orientation: z.number().optional(),
  dateTimeOriginal: z.string().optional(),
  exposureTime: z.number().optional(),
  fNumber: z.number().optional(),
  iso: z.number().optional(),
  focalLength: z.number().optional(),
  focalLength35mm: z.number().optional(),
  exposureBias: z.number().optional(),
  flash: z.number().optional(),
  whiteBalance: z.number().optional(),
  lensMake: z.string().optional(),
  lensModel: z.string().optional(),
  colorSpace: z.number().optional(),
});

export const predictionViewSchema = z.object({
  source: z.enum(PREDICTION_SOURCES),
  variant: z.enum(PREDICTION_VARIANTS),
  backend: z.string(),
  runtime: z.string(),
  runtimeVersion: z.string().nullable(),
  runtimeBundle: z.string().nullable(),
  threads: z.number().int().nullable(),
  webgpuFailure: z.string().nullable(),
  modelSha256: z.string(),
  preprocessingId: z.string(),
  tensorSha256: z.string().nullable(),
  tensorSummary: z.unknown().nullable(),
  top: z.array(z.object({ index: z.number().int(), label: z.string(), prob: z.number() })),
  top1Index: z.number().int(),
  top1Prob: z.number(),
  timings: z.object({ decodeMs: z.number().nullable(), preprocessMs: z.number().nullable(), inferenceMs: z.number().nullable() }),
  createdAt: isoDate,
});
export type PredictionView = z.infer<typeof predictionViewSchema>;

export const captureViewSchema = z.object({
  id: z.string(),
  clientCaptureId: z.string(),
  studyId: z.string(),
  deviceId: z.string(),
  sceneKey: z.string(),
  captureMethod: z.string(),
  deviceModelKey: z.string(),
  burstId: z.string().nullable(),
  burstIndex: z.number().int().nullable(),
  /** SHA-256 of the stored bytes (location metadata removed). */
  sha256: z.string(),
  /** SHA-256 of the bytes as uploaded. */
  originalSha256: z.string(),
  sizeBytes: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  mime: z.string(),
  orientation: z.number().int().nullable(),
  /** Whether location metadata was found (and removed). */
  hadLocation: z.boolean(),
  exif: exifSummarySchema,
  capturedAt: isoDate.nullable(),
  createdAt: isoDate,
  referenceStatus: z.enum(REFERENCE_STATUSES),
  referenceError: z.string().nullable(),
  /** Display mode: the phone's QR scene detection (null when the scene was typed or followed). */
  sceneDetection: captureSceneDetectionSchema.nullable(),
  predictions: z.array(predictionViewSchema),
});
export type CaptureView = z.infer<typeof captureViewSchema>;

export const uploadedCaptureSchema = z.object({
  capture: captureViewSchema,
  /** True when this clientCaptureId was already stored: nothing was written, the stored capture is returned. */
  duplicate: z.boolean(),
});

export const capturePageSchema = z.object({
  items: z.array(captureViewSchema),
  /** Pass as ?cursor= for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

export const listCapturesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  sceneKey: sceneKeySchema.optional(),
  deviceId: z.string().max(100).optional(),
  deviceModelKey: z.string().max(100).optional(),
  captureMethod: z.enum(CAPTURE_METHODS).optional(),
  /** asc: oldest first (default); desc: newest first. */
  order: z.enum(["asc", "desc"]).default("asc"),
});
export type ListCapturesQuery = z.infer<typeof listCapturesQuerySchema>;
