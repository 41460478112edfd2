import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import exifr from "exifr";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/api/app-error";
import { toAppError } from "@/lib/api/error-response";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { joinStudy } from "@/lib/devices/join-study";
import type { PredictionPayloadInput } from "@/lib/predictions/prediction-payload";
import { LocalBlobStore } from "@/lib/storage/local-blob-store";
import { createStudy } from "@/lib/studies/create-study";
import { insertTestModel } from "@/lib/studies/test-fixtures";
import { updateStudy } from "@/lib/studies/update-study";
import type { CaptureMetaInput } from "./capture-schemas";
import { ingestCaptureUpload, type IngestDependencies } from "./ingest-capture";
import { getCapture } from "./list-captures";
import { buildExifTiff, putExifIntoJpeg } from "./testing/build-exif";

let db: TestDatabase;
let root: string;
let deps: IngestDependencies;
let jpegWithGps: Buffer;

const prediction = (label = "red"): PredictionPayloadInput => ({
  source: "device",
  backend: "wasm",
  runtime: "onnxruntime-web",
  runtimeVersion: "1.30.0",
  modelSha256: "a".repeat(64),
  preprocessingId: "pp-v1",
  top: [
    { index: 0, label, prob: 0.7 },
    { index: 1, label: "green", prob: 0.2 },
  ],
  timings: { decodeMs: 12, preprocessMs: 3, inferenceMs: 40 },
});

function uploadRequest(token: string, meta: unknown, image?: Uint8Array, options: { imageFirst?: boolean; extra?: boolean } = {}): Request {
  const form = new FormData();
  const append = {
    meta: () => form.append("meta", typeof meta === "string" ? meta : JSON.stringify(meta)),
    image: () => image && form.append("image", new Blob([new Uint8Array(image)], { type: "image/jpeg" }), "photo.jpg"),
  };
  if (options.imageFirst) {
    append.image();
    append.meta();
  } else {
    append.meta();
    append.image();
  }
  if (options.extra) form.append("note", "hello");
  return new Request("http://localhost/api/v1/captures", { method: "POST", body: form, headers: { authorization: `Bearer ${token}`, "user-agent": "Mozilla/5.0 (Linux; Android 10; K) Chrome/126.0.0.0 Mobile" } });
}

const blobFiles = () =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();

async function counts() {
  const [captures, predictions, scenes, devices] = await Promise.all([db.prisma.capture.count(), db.prisma.prediction.count(), db.prisma.scene.count(), db.prisma.device.count()]);
  return { captures, predictions, scenes, devices, blobs: blobFiles() };
}

async function expectRefused(promise: Promise<unknown>, code: string, reason?: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => toAppError(e),
  );
  expect(error, String(error)).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (reason) expect((error as AppError).details).toMatchObject({ reason });
}

beforeAll(async () => {
  db = await createTestDatabase();
  root = mkdtempSync(path.join(tmpdir(), "ingest-"));
  deps = { prisma: db.prisma, sql: db.sql, store: new LocalBlobStore(root), maxUploadBytes: 2_000_000, maxImagePixels: 5_000_000 };
  await insertTestModel(db.prisma);
  const raw = Buffer.alloc(96 * 64 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7) & 0xff;
  const jpeg = await sharp(raw, { raw: { width: 96, height: 64, channels: 3 } }).jpeg().toBuffer();
  jpegWithGps = putExifIntoJpeg(jpeg, buildExifTiff({ make: "samsung", model: "SM-S911B", software: "S911BXXU3BWK5", orientation: 1, gps: { latitude: 52.52, longitude: 13.405 } }));
});
afterAll(async () => {
  await db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("ingestCaptureUpload", () => {
  it("stores a capture: blob first (GPS removed, both hashes), then the rows; the device is identified from EXIF", async () => {
    const study = await createStudy(db.prisma, { name: "ingest" });
    const device = await joinStudy(db.prisma, study.code, {}, { userAgent: "Mozilla/5.0 (Linux; Android 10; K) Chrome/126.0.0.0 Mobile" });
    expect((await db.prisma.device.findUniqueOrThrow({ where: { id: device.deviceId } })).deviceModelKey).toBe("android");
    const meta: CaptureMetaInput = { clientCaptureId: randomUUID(), sceneKey: "patch-01", captureMethod: "native-camera", capturedAt: "2026-11-20T14:03:07+01:00", predictions: [prediction()] };
    const auth = { deviceId: device.deviceId, studyId: study.id };
    const result = await ingestCaptureUpload(deps, auth, uploadRequest(device.deviceToken, meta, jpegWithGps));
    expect(result.status).toBe(201);
    expect(result.duplicate).toBe(false);
    const capture = result.capture;
    expect(capture).toMatchObject({
      clientCaptureId: meta.clientCaptureId,
      sceneKey: "patch-01",
      captureMethod: "native-camera",
      deviceModelKey: "sm-s911b",
      width: 96,
      height: 64,
      mime: "image/jpeg",
      hadLocation: true,
      originalSha256: createHash("sha256").update(jpegWithGps).digest("hex"),
      referenceStatus: "pending",
      exif: { make: "samsung", model: "SM-S911B" },
      capturedAt: "2026-11-20T13:03:07.000Z",
    });
    // The answer is built without reading back; it must equal what a read returns.
    expect(await getCapture(db.prisma, capture.id)).toEqual(capture);
    expect(capture.predictions).toHaveLength(1);
    expect(capture.predictions[0]).toMatchObject({ source: "device", backend: "wasm", top1Index: 0, top1Prob: 0.7, timings: { inferenceMs: 40 } });
    const file = path.join(root, capture.sha256.slice(0, 2), capture.sha256.slice(2, 4), capture.sha256);
    const storedBytes = readFileSync(file);
    expect(createHash("sha256").update(storedBytes).digest("hex")).toBe(capture.sha256);
    expect(capture.sha256).not.toBe(capture.originalSha256);
    expect(await exifr.gps(storedBytes)).toBeUndefined();
    const device2 = await db.prisma.device.findUniqueOrThrow({ where: { id: device.deviceId } });
    expect(device2).toMatchObject({ deviceModelKey: "sm-s911b", deviceModelSource: "exif", exifMake: "samsung", exifModel: "SM-S911B" });
    expect(await db.prisma.scene.count({ where: { studyId: study.id, key: "patch-01" } })).toBe(1);
  });

  it("a retry returns the stored capture and writes nothing, also when many retries race", async () => {
    const study = await createStudy(db.prisma, { name: "idempotent" });
    const device = await joinStudy(db.prisma, study.code, {});
    const auth = { deviceId: device.deviceId, studyId: study.id };
    const meta = { clientCaptureId: randomUUID(), sceneKey: "s1", captureMethod: "native-camera", predictions: [prediction()] };
    const first = await ingestCaptureUpload(deps, auth, uploadRequest(device.deviceToken, meta, jpegWithGps));
    const before = await counts();
    const retry = await ingestCaptureUpload(deps, auth, uploadRequest(device.deviceToken, meta, jpegWithGps));
    expect(retry).toMatchObject({ status: 200, duplicate: true, capture: { id: first.capture.id } });
    expect(await counts()).toEqual(before);

    // Eight concurrent first attempts of a new capture: one row, one blob, every answer names it.
    const racing = { ...meta, clientCaptureId: randomUUID(), sceneKey: "fresh-scene" };
    const results = await Promise.all(Array.from({ length: 8 }, () => ingestCaptureUpload(deps, auth, uploadRequest(device.deviceToken, racing, jpegWithGps))));
    expect(new Set(results.map((r) => r.capture.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate).length).toBe(1);
    expect(await db.prisma.capture.count({ where: { studyId: study.id, clientCaptureId: racing.clientCaptureId } })).toBe(1);
    expect(await db.prisma.scene.count({ where: { studyId: study.id, key: "fresh-scene" } })).toBe(1);
    expect((await counts()).blobs).toEqual(before.blobs);
  });

  it("creates a scene on its first capture, after the study's last one, and reuses it afterwards, also when new captures of it race", async () => {
    const study = await createStudy(db.prisma, { name: "scenes on first use" });
    await db.prisma.scene.create({ data: { studyId: study.id, key: "imported", position: 4 } });
    const devices = await Promise.all([1, 2, 3].map(() => joinStudy(db.prisma, study.code, {})));
    const send = (index: number, sceneKey: string) => {
      const device = devices[index % devices.length]!;
      return ingestCaptureUpload(deps, { deviceId: device.deviceId, studyId: study.id }, uploadRequest(device.deviceToken, { clientCaptureId: randomUUID(), sceneKey, captureMethod: "native-camera" }, jpegWithGps));
    };
    const first = await send(0, "a");
    const second = await send(1, "b");
    const again = await send(2, "a");
    const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => send(i, "c")));
    const scenes = await db.prisma.scene.findMany({ where: { studyId: study.id }, orderBy: { position: "asc" }, include: { captures: { select: { id: true } } } });
    expect(scenes.map((s) => [s.key, s.position, s.captures.length])).toEqual([
      ["imported", 4, 0],
      ["a", 5, 2],
      ["b", 6, 1],
      ["c", 7, 6],
    ]);
    expect(new Set([first, again].map((r) => r.capture.sceneKey))).toEqual(new Set(["a"]));
    expect(second.capture.sceneKey).toBe("b");
    expect(racing.every((r) => r.status === 201 && r.capture.sceneKey === "c")).toBe(true);
  });

  it("refuses bad uploads before storing anything", async () => {
    const study = await createStudy(db.prisma, { name: "refusals", settings: { allowUnknownScenes: false, allowGallery: false } });
    const other = await createStudy(db.prisma, { name: "other" });
    const device = await joinStudy(db.prisma, study.code, {});
    const stranger = await joinStudy(db.prisma, other.code, {});
    const auth = { deviceId: device.deviceId, studyId: study.id };
    await db.prisma.scene.create({ data: { studyId: study.id, key: "known" } });
    const good = { clientCaptureId: randomUUID(), sceneKey: "known", captureMethod: "native-camera" };
    await ingestCaptureUpload(deps, { deviceId: stranger.deviceId, studyId: other.id }, uploadRequest(stranger.deviceToken, { ...good, clientCaptureId: randomUUID() }, jpegWithGps));
    const before = await counts();
    const send = (meta: unknown, image: Uint8Array | null = jpegWithGps, options = {}) => ingestCaptureUpload(deps, auth, uploadRequest(device.deviceToken, meta, image ?? undefined, options));

    await expectRefused(send("{not json"), "bad_request", "malformed_json");
    await expectRefused(send({ ...good, clientCaptureId: "123" }), "validation_failed");
    await expectRefused(send({ ...good, clientCaptureId: undefined }), "validation_failed");
    await expectRefused(send({ ...good, extra: 1 }), "validation_failed");
    await expectRefused(send({ ...good, sceneKey: "../../etc/passwd" }), "validation_failed");
    await expectRefused(send({ ...good, sceneKey: "unknown" }), "unprocessable", "unknown_scene");
    await expectRefused(send({ ...good, captureMethod: "gallery" }), "forbidden", "capture_method_not_allowed");
    await expectRefused(send({ ...good, studyId: other.id }), "forbidden", "other_study");
    await expectRefused(send({ ...good, predictions: [{ ...prediction(), source: "reference" }] }), "validation_failed");
    await expectRefused(send({ ...good, predictions: [{ ...prediction(), top: [{ index: 0, label: "x\u0000y", prob: 1 }] }] }), "validation_failed");
    await expectRefused(send(good, null), "bad_request", "missing_image");
    await expectRefused(send(good, jpegWithGps, { imageFirst: true }), "bad_request", "meta_must_come_first");
    await expectRefused(send(good, Buffer.from("just text")), "unsupported_media_type");
    await expectRefused(send(good, jpegWithGps.subarray(0, jpegWithGps.length - 40)), "unprocessable", "truncated_image");
    await expectRefused(send(good, jpegWithGps, { extra: true }), "bad_request", "too_many_parts");
    await expectRefused(ingestCaptureUpload({ ...deps, maxUploadBytes: 1000 }, auth, uploadRequest(device.deviceToken, good, jpegWithGps)), "payload_too_large", "file_too_large");
    await expectRefused(ingestCaptureUpload({ ...deps, maxImagePixels: 1000 }, auth, uploadRequest(device.deviceToken, good, jpegWithGps)), "payload_too_large", "too_many_pixels");
    // Another device reusing a stored clientCaptureId of this study is refused (and reads nothing).
    const mine = await ingestCaptureUpload(deps, auth, uploadRequest(device.deviceToken, { ...good, clientCaptureId: randomUUID() }, jpegWithGps));
    const sameStudyOther = await joinStudy(db.prisma, study.code, {});
    const afterMine = await counts();
    await expectRefused(
      ingestCaptureUpload(deps, { deviceId: sameStudyOther.deviceId, studyId: study.id }, uploadRequest(sameStudyOther.deviceToken, { ...good, clientCaptureId: mine.capture.clientCaptureId }, jpegWithGps)),
      "conflict",
      "client_capture_id_taken",
    );
    expect({ ...(await counts()), devices: afterMine.devices }).toEqual(afterMine);
    expect(afterMine.blobs).toEqual(before.blobs); // same photo bytes: de-duplicated blob
    await updateStudy(db.prisma, study.id, { status: "closed" });
    await expectRefused(send({ ...good, clientCaptureId: randomUUID() }), "gone", "study_closed");
    expect({ ...(await counts()), devices: afterMine.devices }).toEqual(afterMine);
  });

  it("a gallery photo's EXIF does not identify the device", async () => {
    const study = await createStudy(db.prisma, { name: "gallery" });
    const device = await joinStudy(db.prisma, study.code, {}, { userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15" });
    const result = await ingestCaptureUpload(deps, { deviceId: device.deviceId, studyId: study.id }, uploadRequest(device.deviceToken, { clientCaptureId: randomUUID(), sceneKey: "g", captureMethod: "gallery" }, jpegWithGps));
    expect(result.capture.exif.model).toBe("SM-S911B");
    expect((await db.prisma.device.findUniqueOrThrow({ where: { id: device.deviceId } })).deviceModelKey).not.toBe("sm-s911b");
  });
});
