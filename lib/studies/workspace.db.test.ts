import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { LocalBlobStore } from "@/lib/storage/local-blob-store";
import { createStudy } from "./create-study";
import { deleteDeviceData } from "./delete-device-data";
import { deleteStudy } from "./delete-study";
import { describeDataDeletion } from "./describe-data-deletion";
import { getStudyLive } from "./get-study-live";
import { listStudySummaries } from "./list-study-summaries";
import { insertTestModel } from "./test-fixtures";

let db: TestDatabase;
let root: string;
let store: LocalBlobStore;
let thumbnailsDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  root = mkdtempSync(path.join(tmpdir(), "parallax-workspace-"));
  store = new LocalBlobStore(path.join(root, "blobs"));
  thumbnailsDir = path.join(root, "thumbnails");
  await insertTestModel(db.prisma, { name: "builtin", isBuiltin: true });
});
afterAll(async () => {
  await db?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function addDevice(studyId: string, deviceModelKey = "pixel-7", extra: { deletionRequestedAt?: Date } = {}) {
  return db.prisma.device.create({ data: { studyId, tokenHash: randomUUID(), deviceModelKey, deviceModelSource: "client-hints", ...extra } });
}

/** A capture whose photo is `bytes` (stored in the blob store), with the phone's prediction. */
async function addCapture(studyId: string, deviceId: string, sceneKey: string, bytes: Buffer, top1 = "red") {
  const blob = await store.put(bytes);
  const scene = await db.prisma.scene.upsert({ where: { studyId_key: { studyId, key: sceneKey } }, create: { studyId, key: sceneKey }, update: {} });
  const device = await db.prisma.device.findUniqueOrThrow({ where: { id: deviceId } });
  const capture = await db.prisma.capture.create({
    data: {
      studyId,
      clientCaptureId: randomUUID(),
      sceneId: scene.id,
      deviceId,
      deviceModelKey: device.deviceModelKey,
      captureMethod: "native-camera",
      blobKey: blob.key,
      sha256: blob.sha256,
      originalSha256: blob.sha256,
      sizeBytes: blob.size,
      width: 4,
      height: 3,
      mime: "image/jpeg",
    },
  });
  await db.prisma.prediction.create({
    data: {
      captureId: capture.id,
      studyId,
      source: "device",
      backend: "wasm",
      runtime: "onnxruntime-web",
      modelSha256: "a".repeat(64),
      top: [
        { index: 0, label: top1, prob: 0.75 },
        { index: 1, label: "green", prob: 0.2 },
      ],
      top1Index: 0,
      top1Prob: 0.75,
      preprocessingId: "pp",
    },
  });
  return { capture, blob };
}

/** A cached thumbnail file, as the thumbnail endpoint leaves it. */
function addThumbnail(sha256: string) {
  const file = path.join(thumbnailsDir, sha256.slice(0, 2), `${sha256}-320.jpg`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, "jpeg");
  return file;
}

const photo = (text: string) => Buffer.from(`photo bytes ${text} `.repeat(20));

describe("the studies list", () => {
  it("shows each study's model, devices, captures, open deletion requests and last activity", async () => {
    const quiet = await createStudy(db.prisma, { name: "quiet" });
    const busy = await createStudy(db.prisma, { name: "busy" });
    const a = await addDevice(busy.id);
    await addDevice(busy.id, "iphone", { deletionRequestedAt: new Date() });
    const { capture } = await addCapture(busy.id, a.id, "s1", photo("list"));
    const summaries = await listStudySummaries(db.prisma);
    const byId = new Map(summaries.map((s) => [s.id, s]));
    expect(byId.get(busy.id)).toMatchObject({ name: "busy", devices: 2, captures: 1, deletionRequests: 1, status: "open", model: { name: "builtin" } });
    expect(byId.get(busy.id)!.lastActivityAt).toBe(capture.createdAt.toISOString());
    expect(byId.get(quiet.id)).toMatchObject({ devices: 0, captures: 0, deletionRequests: 0, lastActivityAt: quiet.createdAt.toISOString() });
    // Newest study first.
    expect(summaries.findIndex((s) => s.id === busy.id)).toBeLessThan(summaries.findIndex((s) => s.id === quiet.id));
  });
});

describe("a study's live view", () => {
  it("counts devices, device models, captures and scenes; lists the newest captures with the phone's top-1; requests first", async () => {
    const study = await createStudy(db.prisma, { name: "live" });
    const pixel = await addDevice(study.id, "pixel-7");
    const iphone = await addDevice(study.id, "iphone");
    await addDevice(study.id, "pixel-7");
    const asking = await addDevice(study.id, "galaxy-s23", { deletionRequestedAt: new Date() });
    await addCapture(study.id, pixel.id, "s1", photo("l1"), "red");
    await addCapture(study.id, iphone.id, "s1", photo("l2"), "blue");
    const last = await addCapture(study.id, iphone.id, "s2", photo("l3"), "green");
    const live = await getStudyLive(db.prisma, study.id, { recent: 2 });
    expect(live.counts).toEqual({ devices: 4, deviceModels: 3, captures: 3, scenes: 2, deletionRequests: 1 });
    expect(live.recentCaptures.map((c) => [c.sceneKey, c.deviceModelKey, c.top1?.label])).toEqual([
      ["s2", "iphone", "green"],
      ["s1", "iphone", "blue"],
    ]);
    expect(live.recentCaptures[0]!.thumbnailUrl).toBe(`/api/v1/captures/${last.capture.id}/thumbnail?size=320`);
    expect(live.devices[0]!.id).toBe(asking.id);
    expect(live.devices).toHaveLength(4);
    expect(live.lastActivityAt).toBe(last.capture.createdAt.toISOString());
    await expect(getStudyLive(db.prisma, "nope")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("deleting a study", () => {
  it("names what goes, removes every row and the photo files no other study uses, with their thumbnails", async () => {
    const doomed = await createStudy(db.prisma, { name: "doomed" });
    const other = await createStudy(db.prisma, { name: "other" });
    const d1 = await addDevice(doomed.id);
    const d2 = await addDevice(doomed.id, "iphone");
    const own1 = await addCapture(doomed.id, d1.id, "s1", photo("own-1"));
    const own2 = await addCapture(doomed.id, d2.id, "s1", photo("own-2"));
    // The same photo twice in this study is one file.
    await addCapture(doomed.id, d2.id, "s2", photo("own-2"));
    // Bytes that another study also stored stay.
    const shared = await addCapture(doomed.id, d1.id, "s3", photo("shared"));
    const o = await addDevice(other.id);
    await addCapture(other.id, o.id, "x", photo("shared"));
    const thumbnail = addThumbnail(own1.blob.sha256);

    const summary = await describeDataDeletion(db.sql, { studyId: doomed.id });
    expect(summary).toEqual({
      devices: 2,
      captures: 4,
      predictions: 4,
      scenes: 3,
      photos: 2,
      photoBytes: own1.blob.size + own2.blob.size,
      sharedPhotos: 1,
      stimuli: 0,
    });

    await expect(deleteStudy(db, store, doomed.id, { confirmCode: "WRONG1", thumbnailsDir })).rejects.toMatchObject({ code: "validation_failed" });
    expect(await db.prisma.study.count({ where: { id: doomed.id } })).toBe(1);

    const result = await deleteStudy(db, store, doomed.id, { confirmCode: doomed.code.toLowerCase(), thumbnailsDir });
    expect(result).toEqual({ deleted: summary, blobsDeleted: 2, bytesFreed: own1.blob.size + own2.blob.size });
    for (const table of ["device", "capture", "prediction", "scene"] as const) {
      expect(await (db.prisma[table] as unknown as { count(args: object): Promise<number> }).count({ where: { studyId: doomed.id } }), table).toBe(0);
    }
    expect(await db.prisma.study.count({ where: { id: doomed.id } })).toBe(0);
    expect(existsSync(store.pathOf(own1.blob.key))).toBe(false);
    expect(existsSync(store.pathOf(own2.blob.key))).toBe(false);
    expect(existsSync(store.pathOf(shared.blob.key))).toBe(true);
    expect(existsSync(thumbnail)).toBe(false);
    // The other study is untouched.
    expect(await db.prisma.capture.count({ where: { studyId: other.id } })).toBe(1);
    await expect(deleteStudy(db, store, doomed.id)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("honouring a deletion request", () => {
  it("removes the device, its captures and predictions and its own photo files; other devices keep theirs", async () => {
    const study = await createStudy(db.prisma, { name: "requests" });
    const leaving = await addDevice(study.id, "pixel-7", { deletionRequestedAt: new Date() });
    const staying = await addDevice(study.id, "iphone");
    const mine = await addCapture(study.id, leaving.id, "s1", photo("mine"));
    const sameAsOther = await addCapture(study.id, leaving.id, "s2", photo("common"));
    const theirs = await addCapture(study.id, staying.id, "s1", photo("theirs"));
    await addCapture(study.id, staying.id, "s2", photo("common"));

    const summary = await describeDataDeletion(db.sql, { studyId: study.id, deviceId: leaving.id });
    expect(summary).toMatchObject({ devices: 1, captures: 2, predictions: 2, photos: 1, photoBytes: mine.blob.size, sharedPhotos: 1 });
    await expect(deleteDeviceData(db, store, { studyId: "another", deviceId: leaving.id })).rejects.toMatchObject({ code: "not_found" });

    const result = await deleteDeviceData(db, store, { studyId: study.id, deviceId: leaving.id }, { thumbnailsDir });
    expect(result).toMatchObject({ blobsDeleted: 1, bytesFreed: mine.blob.size });
    expect(await db.prisma.device.findUnique({ where: { id: leaving.id } })).toBeNull();
    expect(await db.prisma.capture.count({ where: { deviceId: leaving.id } })).toBe(0);
    expect(await db.prisma.capture.count({ where: { deviceId: staying.id } })).toBe(2);
    expect(await db.prisma.prediction.count({ where: { studyId: study.id } })).toBe(2);
    expect(existsSync(store.pathOf(mine.blob.key))).toBe(false);
    expect(existsSync(store.pathOf(sameAsOther.blob.key))).toBe(true);
    expect(existsSync(store.pathOf(theirs.blob.key))).toBe(true);
  });
});
