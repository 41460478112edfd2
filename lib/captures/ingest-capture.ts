// Receiving one capture from a volunteer's device: the streaming multipart upload (meta first,
// then the image), every check that can be made before a byte is stored, the image through the
// sanitiser into the blob store, and only once the blob is durable the database rows — capture,
// scene on first use, predictions, the device's identity — in one transaction. Idempotent on
// (study, clientCaptureId): a retry, even concurrent with the first attempt, returns the stored
// capture and writes nothing. A failed upload leaves no blob behind.
import { AppError } from "@/lib/api/app-error";
import { iterateMultipart, type MultipartPart } from "@/lib/api/multipart";
import { parseJsonWithSchema } from "@/lib/api/read-json-body";
import type { DeviceAuth } from "@/lib/auth/authenticate-request";
import type { Prediction, PrismaClient } from "@/lib/db/generated/client";
import type { SqlExecutor } from "@/lib/db/sql-driver";
import { diffDeviceIdentity, mergeDeviceIdentity, pickDeviceIdentity, type DeviceIdentityRow, type IdentityEvidence } from "@/lib/devices/device-identity";
import { readClientHintHeaders } from "@/lib/devices/device-info";
import { updateDeviceIdentity } from "@/lib/devices/update-device-identity";
import { predictionRowData } from "@/lib/reference/reference-worker";
import type { BlobStore, StoredBlob } from "@/lib/storage/blob-store";
import { readStudySettings, type StudySettings } from "@/lib/studies/study-settings";
import { captureMetaSchema, type CaptureMeta, type CaptureView } from "./capture-schemas";
import { CAPTURE_VIEW_INCLUDE, toCaptureView, type CaptureWithView } from "./capture-views";
import { insertCaptureRows, type InsertedCapture } from "./insert-capture-rows";
import { sanitizeImageStream, type SanitizedImage } from "./sanitize-image-stream";
import { cacheUploadContext, forgetUploadContext, getCachedUploadContext } from "./upload-context-cache";
import { generateUuidV7 } from "./uuid-v7";

export const MAX_META_BYTES = 256 * 1024;

/** Under load, waiting for a connection (PostgreSQL pool) or the single PGlite connection takes a while: wait, do not fail. */
export const TRANSACTION_OPTIONS = { maxWait: 60_000, timeout: 60_000 } as const;

export type IngestDependencies = {
  prisma: PrismaClient;
  /** Raw SQL on the same database (the hot path's single insert statement). */
  sql: SqlExecutor;
  store: BlobStore;
  maxUploadBytes: number;
  maxImagePixels: number;
  /** Called after the capture is committed (wake the reference worker, notify listeners). */
  onStored?: (capture: CaptureView) => void;
};

export type IngestResult = { status: 200 | 201; capture: CaptureView; duplicate: boolean };

/** Blob keys an upload in this process has stored but not yet committed a row for. */
const uncommittedBlobs = new Map<string, number>();

function holdBlob(key: string): () => void {
  uncommittedBlobs.set(key, (uncommittedBlobs.get(key) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (uncommittedBlobs.get(key) ?? 1) - 1;
    if (left <= 0) uncommittedBlobs.delete(key);
    else uncommittedBlobs.set(key, left);
  };
}

/** Remove a blob this upload created when nothing references it (no row, no other upload in flight). */
async function discardUnusedBlob(deps: IngestDependencies, blob: StoredBlob): Promise<void> {
  if (!blob.created || uncommittedBlobs.has(blob.key)) return;
  const referenced = await deps.prisma.capture.count({ where: { blobKey: blob.key } });
  if (referenced === 0 && !uncommittedBlobs.has(blob.key)) await deps.store.delete(blob.key).catch(() => {});
}

async function readMetaPart(part: MultipartPart): Promise<CaptureMeta> {
  if (part.name !== "meta") {
    if (part.name === "image") throw new AppError("bad_request", "Send the `meta` part before the `image` part.", { reason: "meta_must_come_first" });
    throw new AppError("bad_request", `Unknown part "${part.name.slice(0, 40)}"; a capture has a \`meta\` part and an \`image\` part.`, { reason: "unknown_part" });
  }
  let text: string;
  if (part.kind === "field") text = part.value;
  else {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of part.bytes) {
      size += chunk.length;
      if (size > MAX_META_BYTES) throw new AppError("payload_too_large", `The meta part is larger than ${MAX_META_BYTES} bytes.`, { reason: "part_too_large", part: "meta" });
      chunks.push(chunk);
    }
    text = Buffer.concat(chunks).toString("utf8");
  }
  if (text.trim() === "") throw new AppError("bad_request", "The meta part is empty.", { reason: "empty_meta" });
  return parseJsonWithSchema(captureMetaSchema, text, "The meta part");
}

async function findStoredCapture(prisma: PrismaClient, studyId: string, clientCaptureId: string) {
  return prisma.capture.findUnique({ where: { studyId_clientCaptureId: { studyId, clientCaptureId } }, include: CAPTURE_VIEW_INCLUDE });
}

function assertSameDevice(stored: { deviceId: string }, deviceId: string): void {
  if (stored.deviceId !== deviceId) {
    throw new AppError("conflict", "This clientCaptureId was already used by another device; generate a new one.", { reason: "client_capture_id_taken" });
  }
}

export async function ingestCaptureUpload(deps: IngestDependencies, auth: DeviceAuth, request: Request): Promise<IngestResult> {
  const declared = Number(request.headers.get("content-length"));
  const maxBody = deps.maxUploadBytes + MAX_META_BYTES + 64 * 1024;
  if (Number.isFinite(declared) && declared > maxBody) {
    throw new AppError("payload_too_large", `The upload is ${declared} bytes; photos may be at most ${deps.maxUploadBytes} bytes.`, { reason: "body_too_large", maxBytes: deps.maxUploadBytes });
  }
  const parts = iterateMultipart(request, { maxFileBytes: deps.maxUploadBytes, maxFieldBytes: MAX_META_BYTES, maxFiles: 1, maxFields: 1 });
  try {
    return await ingestParts(deps, auth, request, parts);
  } finally {
    await parts.return(undefined);
  }
}

type UploadContext = DeviceIdentityRow & { id: string; studyStatus: string; settings: StudySettings };

const IDENTITY_COLUMNS = [
  "userAgent", "uaBrands", "uaPlatform", "uaPlatformVersion", "uaModel", "uaMobile", "exifMake", "exifModel", "exifSoftware",
  "gpuVendor", "gpuArchitecture", "gpuDevice", "gpuDescription", "ortVersion", "ortBundle", "hardwareConcurrency",
  "screenWidth", "screenHeight", "devicePixelRatio", "deviceModelKey", "deviceModelSource",
];

/** The device's identity and its study's status and settings, in one query. */
async function loadUploadContext(sql: SqlExecutor, deviceId: string): Promise<UploadContext> {
  const cached = getCachedUploadContext<UploadContext>(deviceId);
  if (cached) return cached;
  const rows = await sql.query<Omit<UploadContext, "settings"> & { studySettings: unknown }>(
    `SELECT d."id", ${IDENTITY_COLUMNS.map((c) => `d."${c}"`).join(", ")}, s."status" AS "studyStatus", s."settings" AS "studySettings"
     FROM "Device" d JOIN "Study" s ON s."id" = d."studyId" WHERE d."id" = $1`,
    [deviceId],
  );
  if (!rows[0]) throw new AppError("unauthorized", "This device no longer exists; join the study again.", { reason: "invalid_token" });
  const { studySettings, ...row } = rows[0];
  // Parsed once here, not on every upload that the cached context serves.
  const context: UploadContext = { ...row, settings: readStudySettings(studySettings) };
  cacheUploadContext(deviceId, context);
  return context;
}

async function sceneExists(sql: SqlExecutor, studyId: string, key: string): Promise<boolean> {
  return (await sql.query(`SELECT 1 FROM "Scene" WHERE "studyId" = $1 AND "key" = $2`, [studyId, key])).length > 0;
}

async function ingestParts(deps: IngestDependencies, auth: DeviceAuth, request: Request, parts: AsyncGenerator<MultipartPart>): Promise<IngestResult> {
  const { prisma } = deps;
  const first = await parts.next();
  if (first.done) throw new AppError("bad_request", "The upload is empty; send a `meta` part and an `image` part.", { reason: "missing_parts" });
  const meta = await readMetaPart(first.value);
  if (meta.studyId !== undefined && meta.studyId !== auth.studyId) {
    throw new AppError("forbidden", "This device token belongs to another study; join this study to upload to it.", { reason: "other_study" });
  }

  const context = await loadUploadContext(deps.sql, auth.deviceId);
  const { settings } = context;
  const refuse = async (error: AppError): Promise<IngestResult> => {
    // A retry of a capture stored before the study closed (or its rules changed) still gets its capture back.
    const stored = await findStoredCapture(prisma, auth.studyId, meta.clientCaptureId);
    if (!stored) throw error;
    assertSameDevice(stored, auth.deviceId);
    await drainRemainingParts(parts);
    return { status: 200, capture: toCaptureView(stored), duplicate: true };
  };
  if (context.studyStatus !== "open") return refuse(new AppError("gone", "This study is closed and no longer accepts photos.", { reason: "study_closed" }));
  if ((meta.captureMethod === "live-camera" && !settings.allowLiveCamera) || (meta.captureMethod === "gallery" && !settings.allowGallery)) {
    return refuse(new AppError("forbidden", `This study does not accept ${meta.captureMethod} photos.`, { reason: "capture_method_not_allowed", captureMethod: meta.captureMethod }));
  }
  if (!settings.allowUnknownScenes && !(await sceneExists(deps.sql, auth.studyId, meta.sceneKey))) {
    return refuse(new AppError("unprocessable", `The scene "${meta.sceneKey}" is not part of this study.`, { reason: "unknown_scene", sceneKey: meta.sceneKey }));
  }

  const imagePart = await parts.next();
  if (imagePart.done || imagePart.value.kind !== "file" || imagePart.value.name !== "image") {
    throw new AppError("bad_request", "The `image` part (a file) is missing after `meta`.", { reason: "missing_image" });
  }
  const session = sanitizeImageStream(imagePart.value.bytes, { maxPixels: deps.maxImagePixels });
  const blob = await deps.store.put(session.output);
  const release = holdBlob(blob.key);
  try {
    const image = session.result();
    const extra = await parts.next();
    if (!extra.done) throw new AppError("bad_request", "A capture upload has exactly two parts: `meta` and `image`.", { reason: "too_many_parts" });
    await recordIdentityEvidence(deps, context, request, meta, image);
    const rowInput = {
      id: generateUuidV7(),
      sceneId: generateUuidV7(),
      studyId: auth.studyId,
      clientCaptureId: meta.clientCaptureId,
      sceneKey: meta.sceneKey,
      createScene: settings.allowUnknownScenes,
      deviceId: auth.deviceId,
      captureMethod: meta.captureMethod,
      burstId: meta.burstId ?? null,
      burstIndex: meta.burstIndex ?? null,
      blobKey: blob.key,
      sha256: blob.sha256,
      originalSha256: image.originalSha256,
      sizeBytes: blob.size,
      width: image.width,
      height: image.height,
      mime: image.mime,
      orientation: image.orientation,
      exif: image.exif,
      hadLocation: image.hadLocation,
      clientCapturedAt: meta.capturedAt ? new Date(meta.capturedAt) : null,
      sceneDetection: meta.sceneDetection ?? null,
      predictions: meta.predictions,
    };
    let inserted = await insertCaptureRows(deps.sql, rowInput);
    if (!inserted) {
      const stored = await findStoredCapture(prisma, auth.studyId, meta.clientCaptureId);
      if (stored) {
        // Stored already (a retry, possibly racing the first attempt): nothing was written.
        release();
        await discardUnusedBlob(deps, blob);
        assertSameDevice(stored, auth.deviceId);
        return { status: 200, capture: toCaptureView(stored), duplicate: true };
      }
      // The scene was created by a concurrent upload after this statement's snapshot: once more.
      inserted = await insertCaptureRows(deps.sql, rowInput);
      if (!inserted) throw new Error(`The capture ${meta.clientCaptureId} could not be inserted (scene ${meta.sceneKey}).`);
    }
    release();
    const capture = toCaptureView(capturedRow(rowInput, inserted, meta));
    deps.onStored?.(capture);
    return { status: 201, capture, duplicate: false };
  } catch (error) {
    release();
    await discardUnusedBlob(deps, blob);
    throw error;
  }
}

/** New identity evidence (the page's device info, request headers, the photo's camera EXIF) is written only when it changes something. */
async function recordIdentityEvidence(deps: IngestDependencies, context: UploadContext, request: Request, meta: CaptureMeta, image: SanitizedImage): Promise<void> {
  const evidence: IdentityEvidence = {
    info: meta.device,
    userAgentHeader: request.headers.get("user-agent"),
    clientHintHeaders: readClientHintHeaders(request.headers),
    // The photo's own camera identifies the device, unless it was picked from the gallery (could be any camera's).
    ...(meta.captureMethod !== "gallery" && image.exif.model ? { exif: { make: image.exif.make, model: image.exif.model, software: image.exif.software } } : {}),
  };
  const before = pickDeviceIdentity(context);
  if (Object.keys(diffDeviceIdentity(before, mergeDeviceIdentity(before, evidence))).length === 0) return;
  forgetUploadContext(context.id);
  await deps.prisma.$transaction((tx) => updateDeviceIdentity(tx, context, evidence), TRANSACTION_OPTIONS);
}

async function drainRemainingParts(parts: AsyncGenerator<MultipartPart>): Promise<void> {
  for (;;) {
    const next = await parts.next().catch(() => ({ done: true as const, value: undefined }));
    if (next.done) return;
    if (next.value.kind === "file") await next.value.drain();
  }
}

/** The stored capture as the view mapper takes it, from what was just inserted (no read back). */
function capturedRow(input: Parameters<typeof insertCaptureRows>[1], inserted: InsertedCapture, meta: CaptureMeta): CaptureWithView {
  return {
    id: inserted.id,
    studyId: input.studyId,
    clientCaptureId: input.clientCaptureId,
    sceneId: inserted.sceneId,
    deviceId: input.deviceId,
    deviceModelKey: inserted.deviceModelKey,
    captureMethod: input.captureMethod,
    burstId: input.burstId,
    burstIndex: input.burstIndex,
    blobKey: input.blobKey,
    sha256: input.sha256,
    originalSha256: input.originalSha256,
    sizeBytes: input.sizeBytes,
    width: input.width,
    height: input.height,
    mime: input.mime,
    orientation: input.orientation,
    exifMake: input.exif.make ?? null,
    exifModel: input.exif.model ?? null,
    exifSoftware: input.exif.software ?? null,
    exif: input.exif,
    hadLocation: input.hadLocation,
    clientCapturedAt: input.clientCapturedAt,
    sceneDetection: (input.sceneDetection ?? null) as CaptureWithView["sceneDetection"],
    createdAt: inserted.createdAt,
    referenceStatus: "pending",
    referenceError: null,
    referenceAttempts: 0,
    scene: { key: meta.sceneKey },
    predictions: meta.predictions.map((payload, index) => {
      const data = predictionRowData(payload);
      return { ...data, tensorSummary: data.tensorSummary ?? null, id: inserted.predictions[index]!.id, captureId: inserted.id, studyId: input.studyId, createdAt: new Date(inserted.predictions[index]!.createdAt) } as Prediction;
    }),
  };
}
