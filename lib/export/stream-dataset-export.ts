// The second step of a dataset export: the archive's entries, produced one at a time as the ZIP
// writer asks for them. Photos stream from the blob store unchanged; capture details are read in
// batches of the plan's capture list (predictions bounded by the plan's snapshot). A photo's
// metadata.jsonl and predictions.csv rows are appended to temporary files only once the photo has
// been written, and those files become entries after the last photo: whatever happens meanwhile
// (a capture deleted, a blob gone), no row ever names a photo the archive lacks. Memory stays
// bounded by one batch; temporary files are removed when the stream ends or is cancelled.
import "server-only";
import { once } from "node:events";
import { createReadStream } from "node:fs";
import { mkdtemp, open, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { formatCsv } from "@/lib/analytics/format-csv";
import { readTopList } from "@/lib/analytics/read-vote-details";
import type { SqlExecutor } from "@/lib/db/sql-driver";
import { readCount } from "@/lib/instability/sql/read-count";
import { BlobNotFoundError, type BlobStore } from "@/lib/storage/blob-store";
import { PREDICTIONS_CSV_COLUMNS, SCENES_CSV_COLUMNS, type ExportEstimate, type MetadataRow } from "./export-schemas";
import { formatDatasetCard, type ExportCounts } from "./format-dataset-card";
import type { ExportCaptureRef, ExportPlan, ExportScene } from "./plan-dataset-export";
import { extensionOfMime, toSafeSegment } from "./safe-file-names";
import { zipReadableStream, type ZipEntry } from "./zip-stream";

const BATCH = 200;
/** Photos up to this size are read whole (at most two in memory); larger ones stream in 64 KB reads. */
const PHOTO_IN_MEMORY_BYTES = 8 * 1024 * 1024;
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

/** An open read stream of a blob, or null when it is gone (checked before the entry starts, never mid-entry). */
async function openBlob(blobs: BlobStore, key: string): Promise<Readable | null> {
  try {
    const stream = await blobs.stream(key);
    // Once open, the file stays readable even if it is deleted meanwhile.
    if ("pending" in stream && (stream as { pending?: boolean }).pending) await once(stream, "ready");
    return stream;
  } catch (error) {
    if (error instanceof BlobNotFoundError || (error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** A photo's bytes in memory, or null when it is gone. */
async function readBlob(blobs: BlobStore, key: string): Promise<Buffer | null> {
  try {
    return await blobs.get(key);
  } catch (error) {
    if (error instanceof BlobNotFoundError || (error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function* readFileChunks(file: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) yield chunk as Buffer;
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
  try {
    metadata = await open(metadataFile, "w");
    predictions = await open(predictionsFile, "w");
    await predictions.write(formatCsv({ columns: [...PREDICTIONS_CSV_COLUMNS], rows: [] }));
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
      let jsonl = "";
      const csvRows: (string | number | null)[][] = [];
      // Photos up to photoInMemoryBytes are read whole, the next one while the current one is sent.
      const prefetched = new Map<number, Promise<Buffer | null>>();
      const prefetch = (index: number) => {
        const capture = batch[index];
        const row = capture ? byId.get(capture.captureId) : undefined;
        if (!plan.options.images || !row || readCount(row.sizeBytes) > photoInMemoryBytes || prefetched.has(index)) return;
        const loading = readBlob(blobs, row.blobKey);
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
          const whole = prefetched.get(index);
          prefetched.delete(index);
          if (whole) {
            const bytes = await whole;
            if (!bytes) {
              counts.skipped++;
              continue;
            }
            yield { name: fileName, data: bytes, modifiedAt: createdAt };
          } else {
            const body = await openBlob(blobs, row.blobKey);
            if (!body) {
              counts.skipped++;
              continue;
            }
            try {
              // Resumes once the ZIP writer has written the whole photo and asks for the next entry.
              yield { name: fileName, data: () => body, modifiedAt: createdAt };
            } finally {
              // Closes the file when the download was cancelled before the photo was read.
              body.destroy();
            }
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
            csvRows.push([capture.captureId, fileName, scene.key, capture.deviceModel, source, prediction.backend, rank + 1, entry.index, entry.label, entry.prob]);
          });
        }
        written.set(scene.sceneId, (written.get(scene.sceneId) ?? 0) + 1);
        models.add(capture.deviceModel);
        counts.images++;
        counts.imageBytes += sizeBytes;
      }
      if (jsonl) await metadata.write(jsonl);
      // formatCsv with an empty header line, which is cut: only the rows.
      if (csvRows.length > 0) await predictions.write(formatCsv({ columns: [], rows: csvRows }).replace(/^\r\n/, ""));
    }
    await metadata.close();
    await predictions.close();
    metadata = predictions = undefined;
    counts.scenes = plan.scenes.length;
    counts.deviceModels = models.size;
    const finishedAt = now();
    yield { name: METADATA_FILE, data: () => readFileChunks(metadataFile), modifiedAt: finishedAt };
    yield { name: "predictions.csv", data: () => readFileChunks(predictionsFile), modifiedAt: finishedAt };
    yield { name: "scenes.csv", data: formatSceneCsv(plan, written), modifiedAt: finishedAt };
    yield { name: "README.md", data: formatDatasetCard(plan, counts, finishedAt), modifiedAt: finishedAt };
  } finally {
    await metadata?.close().catch(() => undefined);
    await predictions?.close().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Pieces the archive is sent in: each costs the HTTP layers about the same, so fewer, larger ones send faster. */
const SEND_CHUNK_BYTES = 512 * 1024;

/** The plan's archive as a web stream (pulled: nothing is read faster than the client takes it). */
export function streamDatasetExport(sql: SqlExecutor, blobs: BlobStore, plan: ExportPlan): ReadableStream<Uint8Array> {
  return zipReadableStream(datasetExportEntries(sql, blobs, plan), { coalesceBytes: SEND_CHUNK_BYTES });
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
