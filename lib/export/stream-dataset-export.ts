// The second step of a dataset export: the archive's entries, produced one at a time as the ZIP
// writer asks for them. Photos stream from the blob store unchanged; capture details are read in
// batches of the plan's capture list (predictions bounded by the plan's snapshot). A photo's
// metadata.jsonl and predictions.csv rows are appended to temporary files only once the photo has
// been written, and those files become entries after the last photo: whatever happens meanwhile
// (a capture deleted, a blob gone), no row ever names a photo the archive lacks. Memory stays
// bounded by one batch and two photos, read into a few reused buffers (./buffer-pool.ts);
// temporary files are removed when the stream ends or is cancelled.
import "server-only";
import { mkdtemp, open, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { formatCsv, formatCsvRow } from "@/lib/analytics/format-csv";
import { readTopList } from "@/lib/analytics/read-vote-details";
import type { SqlExecutor } from "@/lib/db/sql-driver";
import { readCount } from "@/lib/instability/sql/read-count";
import { BlobNotFoundError, type BlobReader, type BlobStore } from "@/lib/storage/blob-store";
import { openFileReader } from "@/lib/storage/local-blob-store";
import { BufferPool } from "./buffer-pool";
import { PREDICTIONS_CSV_COLUMNS, SCENES_CSV_COLUMNS, type ExportEstimate, type MetadataRow } from "./export-schemas";
import { formatDatasetCard, type ExportCounts } from "./format-dataset-card";
import type { ExportCaptureRef, ExportPlan, ExportScene } from "./plan-dataset-export";
import { extensionOfMime, toSafeSegment } from "./safe-file-names";
import { zipReadableStream, type ZipEntry } from "./zip-stream";

/**
 * Captures whose details are read at once. Kept small: a batch's rows live while its photos are
 * sent, and what outlives two young-generation collections moves to V8's old space, resident until
 * the next full collection (5 000 photos exported in process: 7 MB moved with 200 per batch, 2.4 MB
 * with 100, 1.9 MB with 50, which doubles the queries).
 */
const BATCH = 100;
/** metadata.jsonl and predictions.csv rows are written out whenever this much text has gathered. */
const ROWS_FLUSH_CHARS = 64 * 1024;
/** Photos up to this size are read whole (at most two at a time); larger ones stream in pieces. */
const PHOTO_IN_MEMORY_BYTES = 8 * 1024 * 1024;
/** Reads are made into pooled buffers of multiples of this size (a larger photo streams in pieces of it). */
const READ_UNIT_BYTES = 256 * 1024;
export const METADATA_FILE = "metadata.jsonl";
export const IMAGES_FOLDER = "images";

type CaptureRow = {
  id: string;
  deviceId: string;
  captureMethod: string;
  createdAt: Date | string;
  blobKey: string;
  sha256: string;
  sizeBytes: unknown;
  width: unknown;
  height: unknown;
  mime: string;
};
type PredictionRow = { captureId: string; source: string; backend: string; top1Index: unknown; top: unknown };

/** Where a capture's photo lies in the archive (also metadata.jsonl's file_name, the file being at the root). */
export function imagePath(plan: ExportPlan, scene: ExportScene, capture: ExportCaptureRef, mime: string): string {
  const model = plan.modelFileNames.get(capture.deviceModel) ?? toSafeSegment(capture.deviceModel);
  return `${IMAGES_FOLDER}/${scene.folder}/${model}__${toSafeSegment(capture.captureId)}.${extensionOfMime(mime)}`;
}

/** The blob opened for reads, or null when it is gone (checked before the entry starts, never mid-entry). */
async function openBlob(blobs: BlobStore, key: string): Promise<BlobReader | null> {
  try {
    return await blobs.open(key);
  } catch (error) {
    if (error instanceof BlobNotFoundError || (error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/**
 * A photo ready to be written: read whole into a pooled buffer (small enough), or opened to stream.
 * Either way its file is open or read before its entry starts, so a photo deleted meanwhile is
 * skipped rather than cut short.
 */
type LoadedPhoto = { kind: "whole"; buffer: Uint8Array; length: number } | { kind: "stream"; reader: BlobReader };

async function loadPhoto(blobs: BlobStore, key: string, pool: BufferPool, inMemoryBytes: number): Promise<LoadedPhoto | null> {
  const reader = await openBlob(blobs, key);
  if (!reader) return null;
  if (reader.size > inMemoryBytes) return { kind: "stream", reader };
  try {
    const buffer = pool.acquire(reader.size);
    try {
      let length = 0;
      while (length < reader.size) {
        const read = await reader.read(buffer.subarray(length, reader.size), length);
        if (read === 0) break;
        length += read;
      }
      return { kind: "whole", buffer, length };
    } catch (error) {
      pool.release(buffer);
      throw error;
    }
  } finally {
    await reader.close();
  }
}

/** Gives back what a loaded photo holds (its buffer, or its open file). */
async function disposePhoto(photo: LoadedPhoto | null, pool: BufferPool): Promise<void> {
  if (photo?.kind === "whole") pool.release(photo.buffer);
  else if (photo?.kind === "stream") await photo.reader.close();
}

/**
 * The reader's bytes in pieces read into one pooled buffer. A piece is valid only until the next
 * is asked for: the ZIP writer's contract for entry chunks (see ZipEntry in zip-stream.ts).
 */
async function* readInPieces(reader: BlobReader, pool: BufferPool): AsyncGenerator<Uint8Array> {
  const buffer = pool.acquire(READ_UNIT_BYTES);
  try {
    for (let position = 0; ; ) {
      const read = await reader.read(buffer, position);
      if (read === 0) return;
      position += read;
      yield buffer.subarray(0, read);
    }
  } finally {
    pool.release(buffer);
  }
}

async function* readFileInPieces(file: string, pool: BufferPool): AsyncGenerator<Uint8Array> {
  const reader = await openFileReader(file);
  try {
    yield* readInPieces(reader, pool);
  } finally {
    await reader.close();
  }
}

function formatSceneCsv(plan: ExportPlan, written: Map<string, number>): string {
  const columns = [...SCENES_CSV_COLUMNS, ...plan.deviceModels.map((model) => `vote:${model}`)];
  const rows = plan.scenes.map((scene) => {
    const byModel = new Map(scene.votesByModel.map((vote) => [vote.deviceModel, vote.label]));
    return [
      scene.key,
      `${IMAGES_FOLDER}/${scene.folder}`,
      scene.labelIndex,
      scene.label,
      scene.isEligible,
      scene.isUnstable,
      scene.votes,
      scene.distinctLabels,
      scene.majorityIndex,
      written.get(scene.sceneId) ?? 0,
      ...plan.deviceModels.map((model) => byModel.get(model) ?? null),
    ];
  });
  return formatCsv({ columns, rows });
}

function toPrediction(row: PredictionRow | undefined): MetadataRow["device_prediction"] {
  if (!row) return null;
  return { backend: row.backend, top1: readCount(row.top1Index), top: readTopList(row.top) };
}

/** The archive's entries for `plan`, read through `sql` (any connection: the plan fixed the snapshot) and `blobs`. */
export async function* datasetExportEntries(
  sql: SqlExecutor,
  blobs: BlobStore,
  plan: ExportPlan,
  options: { now?: () => Date; photoInMemoryBytes?: number } = {},
): AsyncGenerator<ZipEntry> {
  const now = options.now ?? (() => new Date());
  const photoInMemoryBytes = options.photoInMemoryBytes ?? PHOTO_IN_MEMORY_BYTES;
  const scenesById = new Map(plan.scenes.map((scene) => [scene.sceneId, scene]));
  const workDir = await mkdtemp(path.join(tmpdir(), "parallax-export-"));
  const metadataFile = path.join(workDir, METADATA_FILE);
  const predictionsFile = path.join(workDir, "predictions.csv");
  let metadata: FileHandle | undefined;
  let predictions: FileHandle | undefined;
  const written = new Map<string, number>();
  const counts: ExportCounts = { scenes: 0, images: 0, deviceModels: 0, imageBytes: 0, skipped: 0 };
  const models = new Set<string>();
  const pool = new BufferPool({ unitBytes: READ_UNIT_BYTES, maxIdle: 2 });
  // Photos being loaded ahead, by position in the current batch.
  const prefetched = new Map<number, Promise<LoadedPhoto | null>>();
  try {
    metadata = await open(metadataFile, "w");
    predictions = await open(predictionsFile, "w");
    await predictions.write(formatCsv({ columns: [...PREDICTIONS_CSV_COLUMNS], rows: [] }));
    // Rows gathered since the last write (a photo's rows only once the photo has been written).
    let jsonl = "";
    let csv = "";
    const flushRows = async () => {
      if (jsonl) await metadata!.write(jsonl);
      if (csv) await predictions!.write(csv);
      jsonl = csv = "";
    };
    for (let start = 0; start < plan.captures.length; start += BATCH) {
      const batch = plan.captures.slice(start, start + BATCH);
      const ids = batch.map((capture) => capture.captureId);
      const rows = await sql.query<CaptureRow>(
        `SELECT id, "deviceId", "captureMethod", "createdAt", "blobKey", sha256, "sizeBytes", width, height, mime
         FROM "Capture" WHERE "studyId" = $1 AND id = ANY($2::text[])`,
        [plan.studyId, ids],
      );
      const predictionRows = await sql.query<PredictionRow>(
        `SELECT "captureId", source, backend, "top1Index", top FROM "Prediction"
         WHERE "studyId" = $1 AND "captureId" = ANY($2::text[]) AND variant = 'original' AND id <= $3`,
        [plan.studyId, ids, plan.maxPredictionId],
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      const predictionsOf = new Map<string, { device?: PredictionRow; reference?: PredictionRow }>();
      for (const row of predictionRows) {
        const entry = predictionsOf.get(row.captureId) ?? {};
        if (row.source === "device" || row.source === "reference") entry[row.source] = row;
        predictionsOf.set(row.captureId, entry);
      }
      // Each photo is loaded while the one before it is sent.
      const prefetch = (index: number) => {
        const capture = batch[index];
        const row = capture ? byId.get(capture.captureId) : undefined;
        if (!plan.options.images || !row || !scenesById.has(capture!.sceneId) || prefetched.has(index)) return;
        const loading = loadPhoto(blobs, row.blobKey, pool, photoInMemoryBytes);
        loading.catch(() => undefined);
        prefetched.set(index, loading);
      };
      for (const [index, capture] of batch.entries()) {
        const row = byId.get(capture.captureId);
        const scene = scenesById.get(capture.sceneId);
        if (!row || !scene) {
          counts.skipped++;
          continue;
        }
        const fileName = imagePath(plan, scene, capture, row.mime);
        const createdAt = new Date(row.createdAt);
        if (plan.options.images) {
          prefetch(index);
          prefetch(index + 1);
          const loading = prefetched.get(index)!;
          prefetched.delete(index);
          const photo = await loading;
          if (!photo) {
            counts.skipped++;
            continue;
          }
          try {
            // Resumes once the ZIP writer has written the whole photo (the send assembler has copied
            // its bytes) and asks for the next entry: only then may the buffer be read into again.
            if (photo.kind === "whole") yield { name: fileName, data: photo.buffer.subarray(0, photo.length), modifiedAt: createdAt };
            else yield { name: fileName, data: () => readInPieces(photo.reader, pool), modifiedAt: createdAt };
          } finally {
            // Also when the download was cancelled before the photo was written.
            await disposePhoto(photo, pool);
          }
        }
        const sizeBytes = readCount(row.sizeBytes);
        const both = predictionsOf.get(capture.captureId) ?? {};
        const metadataRow: MetadataRow = {
          file_name: fileName,
          capture_id: capture.captureId,
          scene_key: scene.key,
          scene_label: scene.label,
          scene_label_index: scene.labelIndex,
          device_model: capture.deviceModel,
          device_id: row.deviceId,
          capture_method: row.captureMethod,
          captured_at: createdAt.toISOString(),
          image_sha256: row.sha256,
          image_bytes: sizeBytes,
          width: readCount(row.width),
          height: readCount(row.height),
          mime: row.mime,
          device_prediction: toPrediction(both.device),
          reference_prediction: toPrediction(both.reference),
          scene_is_eligible: scene.isEligible,
          scene_is_unstable: scene.isUnstable,
          scene_votes: scene.votesByModel.map((vote) => ({ device_model: vote.deviceModel, label: vote.label, label_name: vote.labelName, captures: vote.captures })),
        };
        jsonl += JSON.stringify(metadataRow) + "\n";
        for (const [source, prediction] of [
          ["device", metadataRow.device_prediction],
          ["reference", metadataRow.reference_prediction],
        ] as const) {
          prediction?.top.forEach((entry, rank) => {
            csv += formatCsvRow([capture.captureId, fileName, scene.key, capture.deviceModel, source, prediction.backend, rank + 1, entry.index, entry.label, entry.prob]);
          });
        }
        written.set(scene.sceneId, (written.get(scene.sceneId) ?? 0) + 1);
        models.add(capture.deviceModel);
        counts.images++;
        counts.imageBytes += sizeBytes;
        if (jsonl.length + csv.length >= ROWS_FLUSH_CHARS) await flushRows();
      }
    }
    await flushRows();
    await metadata.close();
    await predictions.close();
    metadata = predictions = undefined;
    counts.scenes = plan.scenes.length;
    counts.deviceModels = models.size;
    const finishedAt = now();
    yield { name: METADATA_FILE, data: () => readFileInPieces(metadataFile, pool), modifiedAt: finishedAt };
    yield { name: "predictions.csv", data: () => readFileInPieces(predictionsFile, pool), modifiedAt: finishedAt };
    yield { name: "scenes.csv", data: formatSceneCsv(plan, written), modifiedAt: finishedAt };
    yield { name: "README.md", data: formatDatasetCard(plan, counts, finishedAt), modifiedAt: finishedAt };
  } finally {
    // Photos loaded ahead of a cancelled download: their files are closed.
    for (const loading of prefetched.values()) await disposePhoto(await loading.catch(() => null), pool);
    await metadata?.close().catch(() => undefined);
    await predictions?.close().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The plan's archive as a web stream (pulled: nothing is read faster than the client takes it). */
export function streamDatasetExport(sql: SqlExecutor, blobs: BlobStore, plan: ExportPlan): ReadableStream<Uint8Array> {
  return zipReadableStream(datasetExportEntries(sql, blobs, plan));
}

/** Approximate size of the plan's archive: exact ZIP records and photo bytes, metadata by a per-row estimate. */
export function estimateDatasetExport(plan: ExportPlan): ExportEstimate {
  const scenesById = new Map(plan.scenes.map((scene) => [scene.sceneId, scene]));
  let imageBytes = 0;
  let zipRecords = 0;
  let metadataBytes = 0;
  const { meanTopLength, referenceShare } = plan.predictionShape;
  const sources = 1 + referenceShare;
  for (const capture of plan.captures) {
    const scene = scenesById.get(capture.sceneId);
    const votes = scene?.votesByModel.length ?? 0;
    const keyLength = scene?.key.length ?? 0;
    const modelLength = capture.deviceModel.length;
    const nameLength = IMAGES_FOLDER.length + 1 + (scene?.folder.length ?? 0) + 1 + (plan.modelFileNames.get(capture.deviceModel)?.length ?? modelLength) + 2 + capture.captureId.length + 4;
    // Measured on real rows: a JSON row is ~560 bytes plus names, top lists and votes; a CSV row ~60 plus names.
    metadataBytes += 560 + keyLength + modelLength + nameLength + sources * (45 + 45 * meanTopLength) + votes * (60 + modelLength);
    metadataBytes += sources * meanTopLength * (60 + nameLength + keyLength + modelLength + capture.captureId.length);
    if (!plan.options.images) continue;
    imageBytes += capture.sizeBytes;
    zipRecords += 30 + 16 + 46 + 2 * nameLength;
  }
  const sceneBytes = plan.scenes.length * (120 + 8 * plan.deviceModels.length);
  const cardBytes = 3000 + plan.study.consentText.length;
  return {
    studyId: plan.studyId,
    divergentOnly: plan.options.divergentOnly,
    images: plan.options.images,
    scenes: plan.scenes.length,
    captures: plan.captures.length,
    deviceModels: plan.deviceModels.length,
    imageBytes,
    estimatedBytes: Math.round(imageBytes + zipRecords + metadataBytes + sceneBytes + cardBytes + 4 * 200),
  };
}
