// The compression probe on real captures with the built-in model: each probed capture gets one
// reference prediction per setting; the lossless copy shows the model the very tensor the original
// did (also for a JPEG with an EXIF rotation); a second request probes only new captures; the probe
// waits while the normal reference inference has work.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAttribution } from "@/lib/analytics/get-study-charts";
import { analyticsQuerySchema } from "@/lib/analytics/analytics-schemas";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { ensureBuiltinModels, listBuiltinStimuli } from "@/lib/models/builtin-models";
import { LocalBlobStore } from "@/lib/storage/local-blob-store";
import { countProbedCaptures, createCompressionProbeRunner, listCapturesToProbe, probeCapture, type CompressionProbeOptions } from "./compression-probe-queue";
import { drainReferenceQueue } from "./reference-worker";
import { COMPRESSION_PROBE_VARIANTS } from "./run-compression-probe";

let db: TestDatabase;
let dir: string;
let store: LocalBlobStore;
let studyId: string;
let sceneId: string;
let deviceId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), "parallax-probe-"));
  store = new LocalBlobStore(dir);
  const model = await ensureBuiltinModels(db.prisma, store);
  studyId = (await db.prisma.study.create({ data: { name: "probe", code: "PROBE001", modelId: model.id, consentText: "ok" } })).id;
  sceneId = (await db.prisma.scene.create({ data: { studyId, key: "s1" } })).id;
  deviceId = (await db.prisma.device.create({ data: { studyId, tokenHash: "p".repeat(64) } })).id;
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
async function addCapture(bytes: Uint8Array, mime: string) {
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
      mime,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, counter)),
    },
  });
}

const options = (extra: Partial<CompressionProbeOptions> = {}): CompressionProbeOptions => ({
  prisma: db.prisma,
  sql: db.sql,
  readBlob: (key) => store.get(key),
  readModelBytes: (sha) => store.get(sha),
  isReferenceBusy: async () => false,
  busyWaitMs: 20,
  ...extra,
});
const referenceOptions = () => ({ prisma: db.prisma, readBlob: (key: string) => store.get(key), readModelBytes: (sha: string) => store.get(sha), concurrency: 1 });

async function predictionsOf(captureId: string) {
  return db.prisma.prediction.findMany({ where: { captureId, source: "reference" }, orderBy: { variant: "asc" } });
}

describe("compression probe", () => {
  it("stores a reference prediction per setting; the lossless copy gives the original's tensor, also for a rotated JPEG", async () => {
    const [first, second] = listBuiltinStimuli().slice(2, 4);
    // A photo as a phone stores it: JPEG with EXIF orientation 6 (pixels sideways).
    const rotatedJpeg = new Uint8Array(await sharp(second!.readBytes()).rotate(270).jpeg({ quality: 88 }).withMetadata({ orientation: 6 }).toBuffer());
    const png = await addCapture(first!.readBytes(), "image/png");
    const jpeg = await addCapture(rotatedJpeg, "image/jpeg");
    expect(await listCapturesToProbe(db.sql, studyId, null, 10)).toEqual([]); // no reference prediction yet
    expect(await drainReferenceQueue(referenceOptions())).toBe(2);
    expect((await listCapturesToProbe(db.sql, studyId, null, 10)).map((c) => c.id)).toEqual([png.id, jpeg.id]);

    for (const capture of [png, jpeg]) {
      expect(await probeCapture(options(), capture.id)).toBe("done");
      const rows = await predictionsOf(capture.id);
      expect(rows.map((row) => row.variant).sort()).toEqual([...COMPRESSION_PROBE_VARIANTS, "original"].sort());
      const original = rows.find((row) => row.variant === "original")!;
      const lossless = rows.find((row) => row.variant === "lossless")!;
      expect(lossless.tensorSha256).toBe(original.tensorSha256);
      expect(lossless.top1Index).toBe(original.top1Index);
      for (const row of rows) {
        expect(row).toMatchObject({ source: "reference", backend: "cpu", runtime: "onnxruntime-node", modelSha256: original.modelSha256, preprocessingId: original.preprocessingId });
      }
    }
    // The built-in model's colour patches survive JPEG: the reference keeps its answer.
    const rotated = await predictionsOf(jpeg.id);
    expect(rotated.find((row) => row.variant === "original")!.top1Index).toBe(second!.labelIndex);

    expect(await listCapturesToProbe(db.sql, studyId, null, 10)).toEqual([]);
    expect(await countProbedCaptures(db.sql, studyId)).toEqual({ probeable: 2, probed: 2, referencePending: 0 });
    const report = (await getAttribution(db.sql, studyId, analyticsQuerySchema.parse({}))).body;
    expect(report.compressionProbe.map((r) => [r.key, r.denominator])).toEqual(COMPRESSION_PROBE_VARIANTS.map((variant) => [variant, 2]));
    expect(report.compressionProbe.find((r) => r.key === "lossless")!.numerator).toBe(0);
    // Probe rows are no reference votes: the runtime flip rate still counts each capture once (no device predictions here).
    expect(report.runtimeFlipRate.overall.denominator).toBe(0);
  });

  it("runs in the background after the normal reference inference, only on captures not probed yet", async () => {
    const stimuli = listBuiltinStimuli().slice(5, 7);
    const added = [];
    for (const stimulus of stimuli) added.push(await addCapture(stimulus.readBytes(), "image/png"));
    let busy = true;
    let busyChecks = 0;
    const messages: string[] = [];
    const runner = createCompressionProbeRunner(
      options({
        isReferenceBusy: async () => {
          busyChecks += 1;
          return busy;
        },
        log: (message) => messages.push(message),
      }),
    );
    runner.request(studyId);
    runner.request(studyId); // idempotent
    expect(runner.status(studyId).state).toBe("running");
    // While the reference is busy nothing is probed; the new captures have no reference prediction yet anyway.
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(busyChecks).toBeGreaterThan(1);
    expect((await countProbedCaptures(db.sql, studyId)).probed).toBe(2);
    expect(await drainReferenceQueue(referenceOptions())).toBe(2);
    busy = false;
    await runner.idle();
    expect(runner.status(studyId)).toEqual({ state: "idle", failed: 0, lastError: null });
    expect(await countProbedCaptures(db.sql, studyId)).toEqual({ probeable: 4, probed: 4, referencePending: 0 });
    expect(messages).toEqual([`compression probe of study ${studyId}: 2 capture(s) probed, 0 failed`]);
    for (const capture of added) expect(await predictionsOf(capture.id)).toHaveLength(1 + COMPRESSION_PROBE_VARIANTS.length);

    // Asking again probes nothing (no new rows, same ids).
    const before = (await db.prisma.prediction.findMany({ where: { studyId }, select: { id: true }, orderBy: { id: "asc" } })).map((row) => row.id);
    runner.request(studyId);
    await runner.idle();
    const after = (await db.prisma.prediction.findMany({ where: { studyId }, select: { id: true }, orderBy: { id: "asc" } })).map((row) => row.id);
    expect(after).toEqual(before);
    await runner.stop();
  });

  it("records a capture whose bytes cannot be read as failed and goes on", async () => {
    const capture = await addCapture(listBuiltinStimuli()[8]!.readBytes(), "image/png");
    await drainReferenceQueue(referenceOptions());
    const runner = createCompressionProbeRunner(options({ readBlob: async () => Promise.reject(new Error("disk went away")) }));
    runner.request(studyId);
    await runner.idle();
    expect(runner.status(studyId)).toEqual({ state: "idle", failed: 1, lastError: "disk went away" });
    expect(await predictionsOf(capture.id)).toHaveLength(1);
    await runner.stop();
  });
});
