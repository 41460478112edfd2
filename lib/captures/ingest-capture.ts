// Receiving one capture from a volunteer's device: the streaming multipart upload (meta first,
// then the image), every check that can be made before a byte is stored, the image through the
// sanitiser into the blob store, and only once the blob is durable the database rows — capture,
// scene on first use, predictions, the device's identity — in one transaction. Idempotent on
// (study, clientCaptureId): a retry, even concurrent with the first attempt, returns the stored
// capture and writes nothing. A failed upload leaves no blob behind.
import { AppError } from "@/lib/api/app-error";
import { iterateMultipart, type MultipartPart } from "@/lib/api/multipart";
import { parseJsonText, parseWithSchema } from "@/lib/api/read-json-body";
import type { DeviceAuth } from "@/lib/auth/authenticate-request";
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import { readClientHintHeaders } from "@/lib/devices/device-info";
import { updateDeviceIdentity } from "@/lib/devices/update-device-identity";
import { predictionRowData } from "@/lib/reference/reference-worker";
import type { BlobStore, StoredBlob } from "@/lib/storage/blob-store";
import { readStudySettings } from "@/lib/studies/study-settings";
import { captureMetaSchema, type CaptureMeta, type CaptureView } from "./capture-schemas";
import { CAPTURE_VIEW_INCLUDE, toCaptureView } from "./capture-views";
import { sanitizeImageStream, type SanitizedImage } from "./sanitize-image-stream";

export const MAX_META_BYTES = 256 * 1024;

export type IngestDependencies = {
  prisma: PrismaClient;
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

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
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
  return parseWithSchema(captureMetaSchema, parseJsonText(text, "The meta part"));
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

async function ingestParts(deps: IngestDependencies, auth: DeviceAuth, request: Request, parts: AsyncGenerator<MultipartPart>): Promise<IngestResult> {
  const { prisma } = deps;
  const first = await parts.next();
  if (first.done) throw new AppError("bad_request", "The upload is empty; send a `meta` part and an `image` part.", { reason: "missing_parts" });
  const meta = await readMetaPart(first.value);
  if (meta.studyId !== undefined && meta.studyId !== auth.studyId) {
    throw new AppError("forbidden", "This device token belongs to another study; join this study to upload to it.", { reason: "other_study" });
  }

  const device = await prisma.device.findUniqueOrThrow({ where: { id: auth.deviceId }, include: { study: { select: { status: true, settings: true } } } });
  if (device.study.status !== "open") throw new AppError("gone", "This study is closed and no longer accepts photos.", { reason: "study_closed" });
  const settings = readStudySettings(device.study.settings);
  if ((meta.captureMethod === "live-camera" && !settings.allowLiveCamera) || (meta.captureMethod === "gallery" && !settings.allowGallery)) {
    throw new AppError("forbidden", `This study does not accept ${meta.captureMethod} photos.`, { reason: "capture_method_not_allowed", captureMethod: meta.captureMethod });
  }

  const stored = await findStoredCapture(prisma, auth.studyId, meta.clientCaptureId);
  if (stored) {
    assertSameDevice(stored, auth.deviceId);
    await drainRemainingParts(parts);
    return { status: 200, capture: toCaptureView(stored), duplicate: true };
  }

  const scene = await prisma.scene.findUnique({ where: { studyId_key: { studyId: auth.studyId, key: meta.sceneKey } }, select: { id: true } });
  if (!scene && !settings.allowUnknownScenes) {
    throw new AppError("unprocessable", `The scene "${meta.sceneKey}" is not part of this study.`, { reason: "unknown_scene", sceneKey: meta.sceneKey });
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
    const capture = await commitCapture(deps, auth, request, meta, image, blob, device);
    release();
    deps.onStored?.(capture);
    return { status: 201, capture, duplicate: false };
  } catch (error) {
    release();
    if (isUniqueViolation(error)) {
      // A concurrent attempt with the same clientCaptureId committed first.
      const winner = await findStoredCapture(prisma, auth.studyId, meta.clientCaptureId);
      if (winner) {
        await discardUnusedBlob(deps, blob);
        assertSameDevice(winner, auth.deviceId);
        return { status: 200, capture: toCaptureView(winner), duplicate: true };
      }
    }
    await discardUnusedBlob(deps, blob);
    throw error;
  }
}

async function drainRemainingParts(parts: AsyncGenerator<MultipartPart>): Promise<void> {
  for (;;) {
    const next = await parts.next().catch(() => ({ done: true as const, value: undefined }));
    if (next.done) return;
    if (next.value.kind === "file") await next.value.drain();
  }
}

type DeviceRow = Awaited<ReturnType<PrismaClient["device"]["findUniqueOrThrow"]>>;

async function commitCapture(
  deps: IngestDependencies,
  auth: DeviceAuth,
  request: Request,
  meta: CaptureMeta,
  image: SanitizedImage,
  blob: StoredBlob,
  device: DeviceRow,
): Promise<CaptureView> {
  const id = await deps.prisma.$transaction(async (tx) => {
    // Scene on first use; ON CONFLICT makes concurrent first uses of one key safe.
    await tx.$executeRaw`
      INSERT INTO "Scene" ("id", "studyId", "key", "position")
      SELECT gen_random_uuid()::text, ${auth.studyId}, ${meta.sceneKey},
             COALESCE((SELECT MAX("position") + 1 FROM "Scene" WHERE "studyId" = ${auth.studyId}), 0)
      ON CONFLICT ("studyId", "key") DO NOTHING`;
    const scene = await tx.scene.findUniqueOrThrow({ where: { studyId_key: { studyId: auth.studyId, key: meta.sceneKey } }, select: { id: true } });
    // The photo's own camera identifies the device, unless it was picked from the gallery (could be any camera's).
    const identity = await updateDeviceIdentity(tx, device, {
      info: meta.device,
      userAgentHeader: request.headers.get("user-agent"),
      clientHintHeaders: readClientHintHeaders(request.headers),
      ...(meta.captureMethod !== "gallery" && image.exif.model ? { exif: { make: image.exif.make, model: image.exif.model, software: image.exif.software } } : {}),
    });
    const capture = await tx.capture.create({
      data: {
        studyId: auth.studyId,
        clientCaptureId: meta.clientCaptureId,
        sceneId: scene.id,
        deviceId: auth.deviceId,
        deviceModelKey: identity.deviceModelKey,
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
        exifMake: image.exif.make ?? null,
        exifModel: image.exif.model ?? null,
        exifSoftware: image.exif.software ?? null,
        exif: image.exif,
        hadLocation: image.hadLocation,
        clientCapturedAt: meta.capturedAt ? new Date(meta.capturedAt) : null,
        referenceStatus: "pending",
      },
      select: { id: true },
    });
    if (meta.predictions.length) {
      await tx.prediction.createMany({ data: meta.predictions.map((prediction) => ({ ...predictionRowData(prediction), captureId: capture.id, studyId: auth.studyId })) });
    }
    await tx.device.update({ where: { id: auth.deviceId }, data: { lastSeenAt: new Date() } });
    return capture.id;
  });
  const row = await deps.prisma.capture.findUniqueOrThrow({ where: { id }, include: CAPTURE_VIEW_INCLUDE });
  return toCaptureView(row);
}
