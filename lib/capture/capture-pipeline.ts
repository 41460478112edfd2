// What happens to one photo, in order, so that nothing can be lost:
//   1. record: the original bytes (never decoded and re-encoded) and the capture's metadata go into
//      the IndexedDB outbox, held, before anything else is attempted;
//   2. scene: a scene-detection step may read the scene key from the photo (display mode's QR
//      code, lib/display) and give an upright crop of the displayed stimulus;
//   3. classify: the study's model runs on the phone (the inference worker), on the photo and, when
//      there is one, on the stimulus crop (prediction variant "rectified");
//   4. release: the predictions are attached and the outbox may upload it.
// A failure in 2–3 still releases the capture (without predictions), so the photo is uploaded
// anyway. Held captures whose page disappeared mid-way are finished by the next page (`finishCapture`).
// Free of DOM and React: the outbox, the classifier and the detector are passed in.
import { captureMetaSchema, type CaptureMethod, type CaptureMetaInput } from "@/lib/captures/capture-schemas";
import type { DeviceInfo } from "@/lib/devices/device-info";
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import { sceneKeySchema } from "@/lib/studies/study-schemas";
import type { CaptureOutbox, OutboxItem } from "./capture-outbox";

/** What a scene detector found in the photo (display mode: lib/display/browser). */
export type SceneDetectionOutcome = {
  sceneKey: string;
  /** The detection's JSON record (codes, stimulus quadrilateral, timings), kept with the result. */
  detection?: unknown;
  /** An upright crop of the displayed stimulus (encoded image), classified as variant "rectified". */
  rectified?: ArrayBuffer;
};

/** Reads a scene key from the photo itself (display mode's QR code), or says nothing. */
export type SceneDetector = (image: ArrayBuffer, imageType: string) => Promise<SceneDetectionOutcome | string | undefined>;

/** No detection: the typed (or followed) scene key is the only source. */
export const noSceneDetection: SceneDetector = async () => undefined;

/** Classifies the photo; leaves `image` as it is (the inference client sends the worker its own copy). */
export type Classifier = (image: ArrayBuffer, options?: { variant?: PredictionPayload["variant"] }) => Promise<{ prediction: PredictionPayload }>;

export type PipelineDependencies = {
  outbox: CaptureOutbox;
  classify: Classifier;
  /** The device details sent with each capture (collected after consent; ORT details once known). */
  deviceInfo: () => DeviceInfo | undefined;
  detectScene?: SceneDetector;
  /** This page instance's id, so a later page can tell an abandoned hold from a live one. */
  holder?: string;
  now?: () => Date;
  randomId?: () => string;
};

export type CaptureRequest = {
  image: Blob;
  studyId: string;
  sceneKey: string;
  method: CaptureMethod;
  burst?: { id: string; index: number };
  /** When the photo was taken, if known better than "now" (a live shot's start, a gallery file's date). */
  capturedAt?: Date;
};

export type RecordedCapture = { clientCaptureId: string; image: ArrayBuffer; imageType: string; meta: CaptureMetaInput };

export type FinishedCapture = {
  clientCaptureId: string;
  meta: CaptureMetaInput;
  prediction?: PredictionPayload;
  /** Wall-clock time of the classification as the volunteer waited for it (decode, preprocess, inference, messaging). */
  classifyMs?: number;
  /** Why there is no prediction (the photo is uploaded anyway). */
  classifyError?: string;
  /** Set when the scene detector read a scene key different from the typed one. */
  detectedSceneKey?: string;
  /** What the scene detector found (whether or not the key changed). */
  sceneDetection?: { sceneKey: string; detection?: unknown };
  /** The model's answer on the stimulus crop, when there was one. */
  rectifiedPrediction?: PredictionPayload;
  rectifiedError?: string;
};

const IMAGE_EXTENSIONS: Record<string, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic", "image/heif": "heif", "image/gif": "gif" };

/** The image type from its first bytes (pickers on some phones leave File.type empty). */
export function sniffImageType(bytes: Uint8Array, declared = ""): string {
  const at = (i: number) => bytes[i] ?? -1;
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return "image/jpeg";
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return "image/png";
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  if (ascii(4, 8) === "ftyp" && /^(heic|heix|hevc|mif1|msf1)$/.test(ascii(8, 12))) return "image/heic";
  if (ascii(0, 4) === "GIF8") return "image/gif";
  return declared || "application/octet-stream";
}

/** Step 1: the photo and its metadata are durable in the outbox (held) before anything else runs. */
export async function recordCapture(deps: PipelineDependencies, request: CaptureRequest): Promise<RecordedCapture> {
  const now = deps.now?.() ?? new Date();
  const clientCaptureId = deps.randomId?.() ?? crypto.randomUUID();
  const image = await request.image.arrayBuffer();
  const imageType = sniffImageType(new Uint8Array(image, 0, Math.min(16, image.byteLength)), request.image.type);
  const meta: CaptureMetaInput = {
    clientCaptureId,
    studyId: request.studyId,
    sceneKey: request.sceneKey,
    captureMethod: request.method,
    capturedAt: (request.capturedAt ?? now).toISOString(),
    ...(request.burst ? { burstId: request.burst.id, burstIndex: request.burst.index } : {}),
    predictions: [],
  };
  const device = deps.deviceInfo();
  if (device) meta.device = device;
  await deps.outbox.add(
    {
      clientCaptureId,
      studyId: request.studyId,
      createdAt: now.getTime(),
      image,
      imageType,
      imageName: `${clientCaptureId}.${IMAGE_EXTENSIONS[imageType] ?? "bin"}`,
      meta,
    },
    now.getTime(),
    { held: true, holder: deps.holder },
  );
  return { clientCaptureId, image, imageType, meta };
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

/** Steps 2–4: scene detection, on-device inference, then release for upload (always released). */
export async function finishCapture(deps: PipelineDependencies, recorded: RecordedCapture | OutboxItem): Promise<FinishedCapture> {
  const meta = { ...(recorded.meta as CaptureMetaInput) };
  const result: FinishedCapture = { clientCaptureId: recorded.clientCaptureId, meta };
  let rectified: ArrayBuffer | undefined;
  try {
    const outcome = await (deps.detectScene ?? noSceneDetection)(recorded.image, recorded.imageType);
    const found = typeof outcome === "string" ? { sceneKey: outcome } : outcome;
    if (found?.sceneKey && sceneKeySchema.safeParse(found.sceneKey).success) {
      if (found.sceneKey !== meta.sceneKey) {
        meta.sceneKey = found.sceneKey;
        result.detectedSceneKey = found.sceneKey;
      }
      result.sceneDetection = { sceneKey: found.sceneKey, detection: found.detection };
      // Stored with the capture (checked below; a malformed record is dropped, never the photo).
      if (found.detection !== undefined) meta.sceneDetection = found.detection as CaptureMetaInput["sceneDetection"];
      rectified = found.rectified;
    }
  } catch {
    // A detector failure leaves the typed scene key in place.
  }
  try {
    // The classifier leaves the photo intact (the inference client copies it for its worker), so
    // the outbox's bytes need no copy of their own here: one 12 MP photo less to copy per capture.
    const started = performance.now();
    const { prediction } = await deps.classify(recorded.image);
    result.classifyMs = performance.now() - started;
    meta.predictions = [prediction];
    result.prediction = prediction;
  } catch (error) {
    result.classifyError = errorText(error);
  }
  if (rectified && result.prediction) {
    try {
      const { prediction } = await deps.classify(rectified, { variant: "rectified" });
      meta.predictions = [...(meta.predictions ?? []), { ...prediction, variant: "rectified" }];
      result.rectifiedPrediction = prediction;
    } catch (error) {
      result.rectifiedError = errorText(error);
    }
  }
  // The device details may have become complete (ORT version) while the photo was classified.
  const device = deps.deviceInfo();
  if (device) meta.device = device;
  let checked = captureMetaSchema.safeParse(meta);
  if (!checked.success && meta.sceneDetection !== undefined) {
    delete meta.sceneDetection;
    checked = captureMetaSchema.safeParse(meta);
  }
  if (!checked.success && result.prediction) {
    // Never let a malformed prediction block the photo: send it without.
    meta.predictions = [];
    result.classifyError = `The prediction could not be sent: ${checked.error.issues[0]?.message ?? "invalid"}`;
    delete result.prediction;
    delete result.rectifiedPrediction;
  }
  await deps.outbox.release(recorded.clientCaptureId, meta);
  return result;
}
