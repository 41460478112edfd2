import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { ensureBuiltinModels, listBuiltinStimuli } from "@/lib/models/builtin-models";
import { predictionPayloadSchema } from "@/lib/predictions/prediction-payload";
import { LocalBlobStore } from "@/lib/storage/local-blob-store";
import { claimPendingCaptures, drainReferenceQueue, resetStaleReferenceJobs, startReferenceWorker, type ReferenceWorkerOptions } from "./reference-worker";

let db: TestDatabase;
let dir: string;
let store: LocalBlobStore;
let studyId: string;
let sceneId: string;
let deviceId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), "parallax-reference-"));
  store = new LocalBlobStore(dir);
  const model = await ensureBuiltinModels(db.prisma, store);
  const study = await db.prisma.study.create({ data: { name: "t", code: "REFTEST1", modelId: model.id, consentText: "ok" } });
  studyId = study.id;
  sceneId = (await db.prisma.scene.create({ data: { studyId, key: "s1" } })).id;
  deviceId = (await db.prisma.device.create({ data: { studyId, tokenHash: "h".repeat(64) } })).id;
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
async function addCapture(bytes: Uint8Array, status = "pending") {
  const blob = await store.put(bytes);
  counter += 1;
  return db.prisma.capture.create({
    data: {
      studyId,
      sceneId,
      deviceId,
      clientCaptureId: `00000000-0000-4000-8000-${String(counter).padStart(12, "0")}`,
      deviceModelKey: "test",
      captureMethod: "simulated",
      blobKey: blob.key,
      sha256: blob.sha256,
      originalSha256: createHash("sha256").update(bytes).digest("hex"),
      sizeBytes: bytes.length,
      width: 512,
      height: 512,
      mime: "image/png",
      referenceStatus: status,
    },
  });
}

const options = (): ReferenceWorkerOptions => ({ prisma: db.prisma, readBlob: (key) => store.get(key), readModelBytes: (sha) => store.get(sha), concurrency: 2 });

describe("reference worker", () => {
  it("stores a reference prediction with its tensor hash for each pending capture", async () => {
    const stimuli = listBuiltinStimuli().slice(0, 3);
    const captures = await Promise.all(stimuli.map((s) => addCapture(s.readBytes())));
    expect(await drainReferenceQueue(options())).toBe(3);
    for (const [i, capture] of captures.entries()) {
      const row = await db.prisma.capture.findUniqueOrThrow({ where: { id: capture.id }, include: { predictions: true } });
      expect(row.referenceStatus).toBe("done");
      expect(row.predictions).toHaveLength(1);
      const prediction = row.predictions[0]!;
      expect(prediction).toMatchObject({ source: "reference", variant: "original", backend: "cpu", runtime: "onnxruntime-node", top1Index: stimuli[i]!.labelIndex });
      expect(prediction.tensorSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(prediction.preprocessingId).toMatch(/^parallax-v1;/);
    }
  });

  it("marks an undecodable capture failed at once, with the reason", async () => {
    const capture = await addCapture(new TextEncoder().encode("not an image at all"));
    await drainReferenceQueue(options());
    const row = await db.prisma.capture.findUniqueOrThrow({ where: { id: capture.id } });
    expect(row.referenceStatus).toBe("failed");
    expect(row.referenceError).toMatch(/not a JPEG, PNG or WebP/);
  });

  it("retries a transient failure, then gives up after 3 attempts", async () => {
    const capture = await addCapture(listBuiltinStimuli()[5]!.readBytes());
    let reads = 0;
    const flaky: ReferenceWorkerOptions = { ...options(), readBlob: async () => { reads += 1; throw new Error("disk went away"); } };
    for (let i = 0; i < 3; i++) await drainReferenceQueue(flaky);
    const row = await db.prisma.capture.findUniqueOrThrow({ where: { id: capture.id } });
    expect(reads).toBe(3);
    expect(row).toMatchObject({ referenceStatus: "failed", referenceAttempts: 3, referenceError: "disk went away" });
  });

  it("resumes captures left running by a crash", async () => {
    const capture = await addCapture(listBuiltinStimuli()[7]!.readBytes(), "running");
    expect(await claimPendingCaptures(db.prisma, 10)).toEqual([]);
    expect(await resetStaleReferenceJobs(db.prisma)).toBe(1);
    const worker = startReferenceWorker({ ...options(), pollIntervalMs: 60_000 });
    await worker.idle();
    await worker.stop();
    const row = await db.prisma.capture.findUniqueOrThrow({ where: { id: capture.id }, include: { predictions: true } });
    expect(row.referenceStatus).toBe("done");
    expect(row.predictions[0]!.top1Index).toBe(7);
    const top = predictionPayloadSchema.shape.top.parse(row.predictions[0]!.top);
    expect(top[0]!.label).toBe("purplish blue");
  });

  it("gives way while uploads are in flight and works the backlog off once they are done", async () => {
    const captures = await Promise.all([1, 2, 3].map((i) => addCapture(listBuiltinStimuli()[i]!.readBytes())));
    let busy = true;
    const draining = drainReferenceQueue({ ...options(), concurrency: 1, isBusy: () => busy, maxDeferMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const statuses = async () => (await db.prisma.capture.findMany({ where: { id: { in: captures.map((c) => c.id) } } })).map((c) => c.referenceStatus);
    expect(await statuses()).toEqual(["pending", "pending", "pending"]);
    busy = false;
    expect(await draining).toBe(3);
    expect(await statuses()).toEqual(["done", "done", "done"]);
  });

  it("never stalls: under uploads that never stop, a job still starts every maxDeferMs", async () => {
    const captures = await Promise.all([4, 5].map((i) => addCapture(listBuiltinStimuli()[i]!.readBytes())));
    expect(await drainReferenceQueue({ ...options(), concurrency: 1, isBusy: () => true, maxDeferMs: 20 })).toBe(2);
    const rows = await db.prisma.capture.findMany({ where: { id: { in: captures.map((c) => c.id) } } });
    expect(rows.map((c) => c.referenceStatus)).toEqual(["done", "done"]);
  });
});
