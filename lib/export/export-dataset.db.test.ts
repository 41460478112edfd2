// Dataset export end to end below HTTP: a study with known votes (worked out by hand) and real
// photos in a blob store is exported, the archive is written to disk and read back with our
// central-directory reader and Python's zipfile, and every file is checked against the database
// and against the instability report's own definitions.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyticsQuerySchema } from "@/lib/analytics/analytics-schemas";
import { divergentScenesQuerySchema } from "@/lib/analytics/dashboard-schemas";
import { getStudyInstability } from "@/lib/analytics/get-study-instability";
import { listDivergentScenes } from "@/lib/analytics/list-divergent-scenes";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { buildTableStudy } from "@/lib/instability/testing/build-table-study";
import { HAND_COUNTED_ROWS, HAND_COUNTED_TRUTH } from "@/lib/instability/testing/hand-counted-votes";
import { insertSyntheticStudy } from "@/lib/instability/testing/insert-synthetic-study";
import { LocalBlobStore } from "@/lib/storage/local-blob-store";
import { checkImagefolderLayout } from "./check-imagefolder-layout";
import { exportQuerySchema, metadataRowSchema, PREDICTIONS_CSV_COLUMNS, type MetadataRow } from "./export-schemas";
import { exportStudyDataset } from "./export-study-dataset";
import { readSlowlyHoldingChunks } from "./testing/read-slowly";
import { planDatasetExport } from "./plan-dataset-export";
import { readZipDirectory, readZipEntry, type ZipDirectoryEntry } from "./read-zip";
import { datasetExportEntries } from "./stream-dataset-export";
import { zipReadableStream } from "./zip-stream";

const labels = ["zero", "one", "two", "three"];
const STUDY = "study-export-votes";
const T0 = Date.UTC(2026, 2, 1, 10, 0, 0);
const CONSENT = "I agree that my photos are used for research.\nNo faces, please.";

// The hand-counted votes (see HAND_COUNTED_ROWS): unstable scenes s1, s3 and s6; s5 is not eligible.
const rows = HAND_COUNTED_ROWS;
const truth = HAND_COUNTED_TRUTH;
// Scene keys and device model keys that are not safe file names everywhere.
// "test-1" would make datasets read its folder as a test split.
const sceneKey = (id: string) => (id === "s6" ? "shelf/left: CON?" : id === "s3" ? "Scène 3" : id === "s1" ? "test-1" : `scene-${id}`);
const modelKey = (letter: string) => (letter === "A" ? "Apple iPhone 15 Pro" : letter === "B" ? "pixel-7" : "samsung/SM-S911B");

const top = (top1: number, prob: number) => [
  { index: top1, label: labels[top1]!, prob },
  { index: (top1 + 1) % 4, label: labels[(top1 + 1) % 4]!, prob: (1 - prob) / 2 },
  { index: (top1 + 2) % 4, label: labels[(top1 + 2) % 4]!, prob: (1 - prob) / 4 },
];

const study = buildTableStudy({
  study: { id: STUDY, name: "Export votes", code: "exportvotes" },
  model: { id: "model-export", sha256: "e".repeat(64), labels },
  scenes: Object.entries(truth).map(([id, labelIndex]) => ({ id, key: sceneKey(id), labelIndex })),
  devices: ["a1", "a2", "b1", "c1"].map((id) => ({ id, tokenHash: `export-token-${id}`, deviceModelKey: modelKey(id[0]!.toUpperCase()) })),
  captures: rows.map(([id, sceneId, deviceId, model, minute, top1, prob, reference]) => ({
    id,
    sceneId,
    deviceId,
    deviceModelKey: modelKey(model),
    captureMethod: model === "C" ? "live-camera" : "native-camera",
    createdAt: T0 + minute * 60_000,
    predictions: [
      { source: "device", variant: "original", backend: model === "B" ? "webgpu" : "wasm", top: top(top1, prob), top1Index: top1, top1Prob: prob },
      { source: "reference", variant: "original", backend: "cpu", top: top(reference, 0.8), top1Index: reference, top1Prob: 0.8 },
    ],
  })),
});

let db: TestDatabase;
let blobs: LocalBlobStore;
let workDir: string;

/** A small real photo per capture: JPEG, or PNG for device model C. */
async function photoFor(index: number, png: boolean): Promise<Buffer> {
  const image = sharp({ create: { width: 48, height: 32, channels: 3, background: { r: (index * 37) % 256, g: (index * 91) % 256, b: (index * 53) % 256 } } });
  return png ? image.png().toBuffer() : image.jpeg({ quality: 80 }).toBuffer();
}

/** Stores a photo for a capture row and points the row at it (the synthetic loader writes placeholders). */
async function attachPhoto(captureId: string, index: number, png: boolean) {
  const bytes = await photoFor(index, png);
  const stored = await blobs.put(bytes);
  await db.sql.query(`UPDATE "Capture" SET "blobKey" = $2, sha256 = $3, "originalSha256" = $3, "sizeBytes" = $4, mime = $5, width = 48, height = 32 WHERE id = $1`, [
    captureId,
    stored.key,
    stored.sha256,
    bytes.length,
    png ? "image/png" : "image/jpeg",
  ]);
}

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), "parallax-export-test-"));
  blobs = new LocalBlobStore(path.join(workDir, "blobs"));
  db = await createTestDatabase();
  await insertSyntheticStudy(db.sql, study);
  await db.sql.query(`UPDATE "Study" SET "consentText" = $2, description = 'Phones photograph the same shelf.' WHERE id = $1`, [STUDY, CONSENT]);
  for (const [index, [id, , , model]] of rows.entries()) await attachPhoto(id, index, model === "C");
}, 180_000);
afterAll(async () => {
  await db?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

type Archive = { file: string; entries: ZipDirectoryEntry[]; text(name: string): Promise<string>; bytes(name: string): Promise<Buffer> };

async function saveArchive(body: ReadableStream<Uint8Array>, name: string): Promise<Archive> {
  const file = path.join(workDir, name);
  await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), createWriteStream(file));
  const entries = await readZipDirectory(file);
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const bytes = async (entryName: string) => {
    const entry = byName.get(entryName);
    if (!entry) throw new Error(`no ${entryName} in the archive`);
    return readZipEntry(file, entry);
  };
  return { file, entries, bytes, text: async (entryName) => (await bytes(entryName)).toString("utf8") };
}

async function exportArchive(query: Record<string, string>, name: string): Promise<Archive> {
  const result = await exportStudyDataset(db.sql, blobs, STUDY, exportQuerySchema.parse(query));
  if (result.kind !== "archive") throw new Error("expected an archive");
  return saveArchive(result.body, name);
}

/** RFC 4180 rows (quoted cells with commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      out.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  return out;
}

const readRows = (text: string): MetadataRow[] =>
  text
    .split("\n")
    .filter(Boolean)
    .map((line) => metadataRowSchema.parse(JSON.parse(line)));

/** Python's zipfile (an independent reader): every CRC checks and the names are the same. */
function pythonNames(file: string): string[] {
  const script = "import zipfile,json,sys\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nassert all(i.compress_type==0 for i in z.infolist())\nprint(json.dumps(z.namelist()))";
  return JSON.parse(execFileSync("python3", ["-c", script, file]).toString()) as string[];
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("divergent-only export", () => {
  let archive: Archive;
  let metadata: MetadataRow[];
  beforeAll(async () => {
    archive = await exportArchive({ divergentOnly: "true" }, "divergent.zip");
    metadata = readRows(await archive.text("metadata.jsonl"));
  });

  it("holds exactly the unstable scenes of the instability report and the divergent-scene gallery", async () => {
    const report = await getStudyInstability(db.sql, STUDY, analyticsQuerySchema.parse({}));
    const gallery = await listDivergentScenes(db.sql, STUDY, divergentScenesQuerySchema.parse({ pageSize: "100" }));
    expect(report.unstableScenes).toBe(3);
    const exported = new Set(metadata.map((row) => row.scene_key));
    expect([...exported].sort()).toEqual(gallery.body.scenes.map((scene) => scene.sceneKey).sort());
    expect([...exported].sort()).toEqual([sceneKey("s1"), sceneKey("s3"), sceneKey("s6")].sort());
    // Every capture of those scenes, and nothing else.
    const expected = rows.filter(([, scene]) => ["s1", "s3", "s6"].includes(scene)).map(([id]) => id);
    expect(metadata.map((row) => row.capture_id).sort()).toEqual(expected.sort());
    expect(metadata.every((row) => row.scene_is_unstable && row.scene_is_eligible)).toBe(true);
  });

  it("stores every photo unchanged: bytes match the stored SHA-256, entries are not compressed, Python reads the archive", async () => {
    const images = archive.entries.filter((entry) => entry.name.startsWith("images/"));
    expect(images).toHaveLength(11);
    const stored = new Map(
      (await db.sql.query<{ id: string; sha256: string }>(`SELECT id, sha256 FROM "Capture" WHERE "studyId" = $1`, [STUDY])).map((row) => [row.id, row.sha256]),
    );
    for (const row of metadata) {
      const bytes = await archive.bytes(row.file_name);
      expect(sha256(bytes), row.file_name).toBe(stored.get(row.capture_id));
      expect(row.image_sha256).toBe(stored.get(row.capture_id));
      expect(bytes.length).toBe(row.image_bytes);
    }
    expect(images.every((entry) => entry.method === 0)).toBe(true);
    expect(pythonNames(archive.file).sort()).toEqual(archive.entries.map((entry) => entry.name).sort());
  });

  it("names files images/<scene>/<device model>__<capture id>.<ext>, safe on every filesystem", () => {
    for (const row of metadata) {
      const parts = row.file_name.split("/");
      expect(parts).toHaveLength(3);
      expect(parts[0]).toBe("images");
      for (const part of parts.slice(1)) expect(part).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
      expect(parts[2]).toMatch(new RegExp(`__${row.capture_id}\\.(jpg|png)$`));
      expect(parts[2]!.endsWith(row.mime === "image/png" ? ".png" : ".jpg")).toBe(true);
    }
    // One folder per scene, shared by every device model's photos.
    const folders = new Map<string, Set<string>>();
    for (const row of metadata) folders.set(row.scene_key, (folders.get(row.scene_key) ?? new Set()).add(row.file_name.split("/")[1]!));
    expect([...folders.values()].every((set) => set.size === 1)).toBe(true);
    expect(new Set([...folders.values()].map((set) => [...set][0])).size).toBe(3);
  });

  it("follows the imagefolder rules, so datasets.load_dataset('imagefolder') loads it", async () => {
    expect(
      checkImagefolderLayout(
        archive.entries.map((entry) => entry.name),
        "metadata.jsonl",
        await archive.text("metadata.jsonl"),
      ),
    ).toEqual([]);
  });

  it("metadata rows agree with the database", async () => {
    const captures = await db.sql.query<{ id: string; deviceId: string; captureMethod: string; createdAt: Date | string; deviceModelKey: string; sceneKey: string }>(
      `SELECT c.id, c."deviceId", c."captureMethod", c."createdAt", c."deviceModelKey", s.key AS "sceneKey" FROM "Capture" c JOIN "Scene" s ON s.id = c."sceneId" WHERE c."studyId" = $1`,
      [STUDY],
    );
    const predictions = await db.sql.query<{ captureId: string; source: string; backend: string; top1Index: number; top: unknown }>(
      `SELECT "captureId", source, backend, "top1Index", top FROM "Prediction" WHERE "studyId" = $1`,
      [STUDY],
    );
    const byId = new Map(captures.map((row) => [row.id, row]));
    for (const row of metadata) {
      const capture = byId.get(row.capture_id)!;
      expect(row).toMatchObject({ device_id: capture.deviceId, capture_method: capture.captureMethod, device_model: capture.deviceModelKey, scene_key: capture.sceneKey });
      expect(row.captured_at).toBe(new Date(capture.createdAt).toISOString());
      for (const source of ["device", "reference"] as const) {
        const stored = predictions.find((p) => p.captureId === row.capture_id && p.source === source)!;
        const exported = source === "device" ? row.device_prediction : row.reference_prediction;
        expect(exported).toEqual({ backend: stored.backend, top1: stored.top1Index, top: typeof stored.top === "string" ? JSON.parse(stored.top) : stored.top });
      }
    }
    // Hand-computed votes and ground truth.
    const s1 = metadata.find((row) => row.capture_id === "s1-b1")!;
    expect(s1.scene_label).toBe("zero");
    expect(s1.scene_votes).toEqual([
      { device_model: modelKey("A"), label: 1, label_name: "one", captures: 3 },
      { device_model: modelKey("B"), label: 0, label_name: "zero", captures: 1 },
      { device_model: modelKey("C"), label: 0, label_name: "zero", captures: 1 },
    ]);
    const s3 = metadata.find((row) => row.capture_id === "s3-b1")!;
    expect(s3.scene_votes.map((vote) => [vote.device_model, vote.label])).toEqual([
      [modelKey("A"), 2],
      [modelKey("B"), 3],
    ]);
    expect(metadata.find((row) => row.scene_key === sceneKey("s6"))!.scene_label).toBeNull();
  });

  it("predictions.csv is the JSONL's predictions in long format; scenes.csv its scenes and votes", async () => {
    const [header, ...lines] = parseCsv(await archive.text("predictions.csv"));
    expect(header).toEqual([...PREDICTIONS_CSV_COLUMNS]);
    const expected = metadata.flatMap((row) =>
      (["device", "reference"] as const).flatMap((source) => {
        const prediction = source === "device" ? row.device_prediction : row.reference_prediction;
        return (prediction?.top ?? []).map((entry, rank) => [row.capture_id, row.file_name, row.scene_key, row.device_model, source, prediction!.backend, String(rank + 1), String(entry.index), entry.label, String(entry.prob)]);
      }),
    );
    expect(lines).toEqual(expected);

    const [sceneHeader, ...sceneLines] = parseCsv(await archive.text("scenes.csv"));
    const column = (name: string) => sceneHeader!.indexOf(name);
    expect(sceneLines).toHaveLength(3);
    for (const line of sceneLines) {
      const rowsOfScene = metadata.filter((row) => row.scene_key === line[column("scene_key")]);
      expect(rowsOfScene.length).toBeGreaterThan(0);
      expect(line[column("captures_in_export")]).toBe(String(rowsOfScene.length));
      expect(line[column("is_unstable")]).toBe("true");
      expect(line[column("folder")]).toBe(rowsOfScene[0]!.file_name.split("/").slice(0, 2).join("/"));
      expect(line[column("ground_truth_index")]).toBe(rowsOfScene[0]!.scene_label_index === null ? "" : String(rowsOfScene[0]!.scene_label_index));
      for (const model of ["A", "B", "C"].map(modelKey)) {
        const vote = rowsOfScene[0]!.scene_votes.find((v) => v.device_model === model);
        expect(line[column(`vote:${model}`)], `${line[0]} ${model}`).toBe(vote ? String(vote.label) : "");
      }
    }
  });

  it("has a dataset card with the study, model, filters, counts, metrics, consent and the location note", async () => {
    const card = await archive.text("README.md");
    expect(card).toContain("# Export votes");
    expect(card).toContain("e".repeat(64));
    expect(card).toContain("divergent only");
    expect(card).toContain("3 scenes, 11 photos from 3 device models");
    expect(card).toContain("Label instability: 60.0% (95% CI");
    expect(card).toContain("— 3 / 5");
    expect(card).toContain("> I agree that my photos are used for research.\n> No faces, please.");
    expect(card).toContain("Location data was removed");
    expect(card).toMatch(/^---\npretty_name: /);
  });
});

describe("other selections", () => {
  it("exports every scene with votes when not divergent-only, with the estimate close to the real size", async () => {
    const result = await exportStudyDataset(db.sql, blobs, STUDY, exportQuerySchema.parse({}));
    if (result.kind !== "archive") throw new Error("expected an archive");
    const archive = await saveArchive(result.body, "all.zip");
    const metadata = readRows(await archive.text("metadata.jsonl"));
    expect(metadata).toHaveLength(rows.length);
    expect(new Set(metadata.map((row) => row.scene_key)).size).toBe(6);
    expect(metadata.find((row) => row.capture_id === "s5-b1")).toMatchObject({ scene_is_eligible: false, scene_is_unstable: false });
    const { size } = await import("node:fs/promises").then((fs) => fs.stat(archive.file));
    expect(result.estimate.captures).toBe(rows.length);
    expect(Math.abs(result.estimate.estimatedBytes - size) / size).toBeLessThan(0.2);
  });

  it("follows the dashboards' filters: device models, capture method, backend, date range", async () => {
    // Only A and B: s1 (A 1, B 0), s3 (A 2, B 3), s6 (A 2, B 3) unstable; C's photos gone.
    const ab = readRows(await (await exportArchive({ divergentOnly: "1", deviceModels: `${modelKey("A")},${modelKey("B")}` }, "ab.zip")).text("metadata.jsonl"));
    expect(new Set(ab.map((row) => row.device_model))).toEqual(new Set([modelKey("A"), modelKey("B")]));
    expect(new Set(ab.map((row) => row.scene_key))).toEqual(new Set(["s1", "s3", "s6"].map(sceneKey)));
    const report = await getStudyInstability(db.sql, STUDY, analyticsQuerySchema.parse({ deviceModels: `${modelKey("A")},${modelKey("B")}` }));
    expect(new Set(ab.map((row) => row.scene_key)).size).toBe(report.unstableScenes);

    // Native camera only (A and B), from minute 30: s6 only (s5 is B alone).
    const later = await exportArchive({ divergentOnly: "true", captureMethods: "native-camera", from: new Date(T0 + 30 * 60_000).toISOString() }, "later.zip");
    expect(readRows(await later.text("metadata.jsonl")).map((row) => row.capture_id).sort()).toEqual(["s6-a1", "s6-b1"]);
    // WebGPU (B's backend) alone never has 2 device models: nothing is divergent.
    const webgpu = await exportArchive({ divergentOnly: "true", backends: "webgpu" }, "webgpu.zip");
    expect(webgpu.entries.map((entry) => entry.name).sort()).toEqual(["README.md", "metadata.jsonl", "predictions.csv", "scenes.csv"]);
    expect(await webgpu.text("metadata.jsonl")).toBe("");
  });

  it("leaves the photos out of a metadata-only export but keeps every row", async () => {
    const archive = await exportArchive({ divergentOnly: "true", images: "false" }, "metadata-only.zip");
    expect(archive.entries.some((entry) => entry.name.startsWith("images/"))).toBe(false);
    expect(readRows(await archive.text("metadata.jsonl"))).toHaveLength(11);
    expect(await archive.text("README.md")).toContain("metadata-only export");
  });

  it("streams photos too large to read whole in pieces, with the same bytes", async () => {
    const plan = await planDatasetExport(db.sql, STUDY, exportQuerySchema.parse({ divergentOnly: "true" }));
    const archive = await saveArchive(zipReadableStream(datasetExportEntries(db.sql, blobs, plan, { photoInMemoryBytes: 0 })), "streamed.zip");
    const metadata = readRows(await archive.text("metadata.jsonl"));
    expect(metadata).toHaveLength(11);
    for (const row of metadata) expect(sha256(await archive.bytes(row.file_name))).toBe(row.image_sha256);
    expect(pythonNames(archive.file)).toHaveLength(15);
  });

  it("answers 404 for an unknown study", async () => {
    await expect(exportStudyDataset(db.sql, blobs, "no-such-study", exportQuerySchema.parse({}))).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("snapshot consistency", () => {
  it("lists only what the snapshot held while captures arrive and others are deleted during the stream", async () => {
    const result = await exportStudyDataset(db.sql, blobs, STUDY, exportQuerySchema.parse({ divergentOnly: "true" }));
    if (result.kind !== "archive") throw new Error("expected an archive");
    const reader = result.body.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);

    // While the archive streams: new captures of a divergent scene (with photos) arrive, a capture
    // of the snapshot is deleted with its photo, and a late reference prediction arrives.
    for (const [index, id] of ["late-1", "late-2"].entries()) {
      await db.sql.query(
        `INSERT INTO "Capture" (id, "studyId", "clientCaptureId", "sceneId", "deviceId", "deviceModelKey", "captureMethod", "blobKey", sha256, "originalSha256", "sizeBytes", width, height, mime)
         VALUES ($1, $2, $1, 's1', 'b1', $3, 'native-camera', 'x', 'x', 'x', 0, 1, 1, 'image/jpeg')`,
        [id, STUDY, modelKey("B")],
      );
      await db.sql.query(
        `INSERT INTO "Prediction" ("captureId", "studyId", source, variant, backend, runtime, "modelSha256", top, "top1Index", "top1Prob", "preprocessingId")
         VALUES ($1, $2, 'device', 'original', 'wasm', 'onnxruntime-web', $3, $4::jsonb, 3, 0.7, 'x')`,
        [id, STUDY, "e".repeat(64), JSON.stringify(top(3, 0.7))],
      );
      await attachPhoto(id, 100 + index, false);
    }
    const [doomed] = await db.sql.query<{ blobKey: string }>(`SELECT "blobKey" FROM "Capture" WHERE id = 's6-c1'`);
    await db.sql.query(`DELETE FROM "Capture" WHERE id = 's6-c1'`);
    await blobs.delete(doomed!.blobKey);

    const rest = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(first.value!);
      },
      async pull(controller) {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    });
    const archive = await saveArchive(rest, "snapshot.zip");
    const names = new Set(archive.entries.map((entry) => entry.name));
    const metadata = readRows(await archive.text("metadata.jsonl"));
    const ids = metadata.map((row) => row.capture_id);
    expect(ids).not.toContain("late-1");
    expect(ids).not.toContain("late-2");
    expect(ids).not.toContain("s6-c1");
    expect(ids).toHaveLength(10);
    // No row names a photo the archive lacks, and no photo lacks its row.
    for (const row of metadata) expect(names.has(row.file_name), row.file_name).toBe(true);
    expect([...names].filter((name) => name.startsWith("images/"))).toHaveLength(10);
    expect(checkImagefolderLayout([...names], "metadata.jsonl", await archive.text("metadata.jsonl"))).toEqual([]);
    const predictionIds = new Set(parseCsv(await archive.text("predictions.csv")).slice(1).map((line) => line[0]));
    expect([...predictionIds].sort()).toEqual([...ids].sort());
    expect(await archive.text("README.md")).toContain("1 photos were deleted while the export ran");

    // Clean up for other tests in this file (none run after, but keep the study as built).
    await db.sql.query(`DELETE FROM "Capture" WHERE id IN ('late-1', 'late-2')`);
  });
});

describe("photos read into reused buffers", () => {
  const POOL_STUDY = "study-export-pool";
  const poolModel = (side: "a" | "b") => (side === "a" ? "Pool Phone A" : "Pool Phone B");
  const photos = new Map<string, Buffer>();

  beforeAll(async () => {
    // 45 scenes, each photographed by two device models that always disagree (every scene is
    // divergent); every photo is distinct random bytes, from 1 byte to ~700 KB.
    const scenes = Array.from({ length: 45 }, (_, i) => ({ id: `pool-s${i}`, key: `pool-scene-${i}`, labelIndex: 0 }));
    await insertSyntheticStudy(
      db.sql,
      buildTableStudy({
        study: { id: POOL_STUDY, name: "Export pool", code: "exportpool" },
        model: { id: "model-export-pool", sha256: "d".repeat(64), labels },
        scenes,
        devices: (["a", "b"] as const).map((side) => ({ id: `pool-${side}`, tokenHash: `export-pool-token-${side}`, deviceModelKey: poolModel(side) })),
        captures: scenes.flatMap((scene, i) =>
          (["a", "b"] as const).map((side) => ({
            id: `${scene.id}-${side}`,
            sceneId: scene.id,
            deviceId: `pool-${side}`,
            deviceModelKey: poolModel(side),
            createdAt: T0 + i * 60_000,
            predictions: [{ source: "device" as const, variant: "original", backend: "wasm", top: top(side === "a" ? 0 : 1, 0.9), top1Index: side === "a" ? 0 : 1, top1Prob: 0.9 }],
          })),
        ),
      }),
    );
    let n = 0;
    for (const scene of scenes) {
      for (const side of ["a", "b"]) {
        const id = `${scene.id}-${side}`;
        const bytes = randomBytes(1 + ((n++ * 7_919_777) % 700_000));
        const stored = await blobs.put(bytes);
        photos.set(id, bytes);
        await db.sql.query(`UPDATE "Capture" SET "blobKey" = $2, sha256 = $3, "originalSha256" = $3, "sizeBytes" = $4 WHERE id = $1`, [id, stored.key, stored.sha256, bytes.length]);
      }
    }
  }, 120_000);

  it("keeps every photo intact for a slow reader that holds every chunk (a buffer is reused only after its bytes were copied)", async () => {
    const plan = await planDatasetExport(db.sql, POOL_STUDY, exportQuerySchema.parse({ divergentOnly: "true" }));
    // Photos above 400 KB stream in pieces; the others are read whole. Small send pieces: many reads.
    const body = zipReadableStream(datasetExportEntries(db.sql, blobs, plan, { photoInMemoryBytes: 400_000 }), { sendChunkBytes: 64 * 1024 });
    const file = path.join(workDir, "pooled.zip");
    writeFileSync(file, await readSlowlyHoldingChunks(body));
    const entries = await readZipDirectory(file);
    const metadata = readRows((await readZipEntry(file, entries.find((entry) => entry.name === "metadata.jsonl")!)).toString("utf8"));
    expect(metadata).toHaveLength(photos.size);
    for (const row of metadata) {
      const bytes = await readZipEntry(file, entries.find((entry) => entry.name === row.file_name)!);
      expect(sha256(bytes), row.file_name).toBe(sha256(photos.get(row.capture_id)!));
    }
    expect(pythonNames(file)).toHaveLength(photos.size + 4);
  });
});
