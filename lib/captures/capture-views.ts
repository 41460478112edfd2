// Capture and prediction rows as the API shows them.
import type { Capture, Prediction, Prisma } from "@/lib/db/generated/client";
import { captureSceneDetectionSchema } from "@/lib/display/display-schemas";
import { exifSummarySchema, REFERENCE_STATUSES, type CaptureView, type PredictionView } from "./capture-schemas";

export const CAPTURE_VIEW_INCLUDE = {
  scene: { select: { key: true } },
  predictions: { orderBy: [{ source: "asc" }, { variant: "asc" }] },
} satisfies Prisma.CaptureInclude;

export type CaptureWithView = Capture & { scene: { key: string }; predictions: Prediction[] };

export function toPredictionView(prediction: Prediction): PredictionView {
  return {
    source: prediction.source === "reference" ? "reference" : "device",
    variant: prediction.variant as PredictionView["variant"],
    backend: prediction.backend,
    runtime: prediction.runtime,
    runtimeVersion: prediction.runtimeVersion,
    runtimeBundle: prediction.runtimeBundle,
    threads: prediction.threads,
    webgpuFailure: prediction.webgpuFailure,
    modelSha256: prediction.modelSha256,
    preprocessingId: prediction.preprocessingId,
    tensorSha256: prediction.tensorSha256,
    tensorSummary: prediction.tensorSummary ?? null,
    top: prediction.top as PredictionView["top"],
    top1Index: prediction.top1Index,
    top1Prob: prediction.top1Prob,
    timings: { decodeMs: prediction.decodeMs, preprocessMs: prediction.preprocessMs, inferenceMs: prediction.inferenceMs },
    createdAt: prediction.createdAt.toISOString(),
  };
}

export function toCaptureView(capture: CaptureWithView): CaptureView {
  const exif = exifSummarySchema.safeParse(capture.exif);
  return {
    id: capture.id,
    clientCaptureId: capture.clientCaptureId,
    studyId: capture.studyId,
    deviceId: capture.deviceId,
    sceneKey: capture.scene.key,
    captureMethod: capture.captureMethod,
    deviceModelKey: capture.deviceModelKey,
    burstId: capture.burstId,
    burstIndex: capture.burstIndex,
    sha256: capture.sha256,
    originalSha256: capture.originalSha256,
    sizeBytes: capture.sizeBytes,
    width: capture.width,
    height: capture.height,
    mime: capture.mime,
    orientation: capture.orientation,
    hadLocation: capture.hadLocation,
    exif: exif.success ? exif.data : {},
    capturedAt: capture.clientCapturedAt?.toISOString() ?? null,
    createdAt: capture.createdAt.toISOString(),
    referenceStatus: (REFERENCE_STATUSES as readonly string[]).includes(capture.referenceStatus) ? (capture.referenceStatus as CaptureView["referenceStatus"]) : "pending",
    referenceError: capture.referenceError,
    sceneDetection: capture.sceneDetection == null ? null : (captureSceneDetectionSchema.safeParse(capture.sceneDetection).data ?? null),
    predictions: capture.predictions.map(toPredictionView),
  };
}
