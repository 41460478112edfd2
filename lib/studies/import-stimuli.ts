// Stimulus sets: a ZIP of images (JPEG, PNG, WebP) with an optional labels.csv (file, label). Each
// image becomes a scene of the study whose key is the image's path without its extension (a single
// top folder wrapping everything is dropped; "/" becomes "_"); the image is stored as the scene's
// stimulus. All or nothing: every file is checked (it decodes, it is not too large, its key is new
// in the archive; every labels.csv row names a file in the archive) before anything is written;
// blobs are stored, then the scenes are written in one transaction, and blobs this import added
// are deleted again if that transaction fails. Existing scenes with the same key get the new
// stimulus (and label, when the CSV gives one).
import "server-only";
import { loadSharp } from "@/lib/server/load-native-modules";
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient, Scene } from "@/lib/db/generated/client";
import { ImageFormatError, readImageMetadata } from "@/lib/inference/image-metadata";
import type { BlobStore } from "@/lib/storage/blob-store";
import { matchLabelIndex } from "./add-scenes";
import { readZipEntries, ZipFormatError } from "./read-zip-entries";
import { sceneKeySchema } from "./study-schemas";

export const STIMULUS_LIMITS = { maxEntries: 5000, maxEntryBytes: 40 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024, maxPixels: 50_000_000 } as const;

const MIME: Record<string, string> = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp" };
const IMAGE_EXTENSION = /\.(jpe?g|png|webp)$/i;

export type StimulusImportResult = { created: number; updated: number; scenes: Scene[] };

/** One checked image, ready to become (or refresh) the scene `key`'s stimulus. */
export type PlannedStimulus = { path: string; key: string; bytes: Buffer; mime: string; label?: string };

function reject(message: string, details?: unknown): AppError {
  return new AppError("validation_failed", message, details ?? { reason: "invalid_stimulus_set" });
}

function isIgnored(name: string): boolean {
  const base = name.split("/").pop() ?? name;
  return name.startsWith("__MACOSX/") || base.startsWith(".") || base === "Thumbs.db" || base === "desktop.ini";
}

/** The scene key of an image path: path without extension, "/" → "_", characters outside [A-Za-z0-9._-] → "-". */
export function sceneKeyOfPath(path: string): string {
  return path
    .replace(IMAGE_EXTENSION, "")
    .replace(/\//g, "_")
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 100);
}

/** Rows of a small CSV (RFC 4180 quoting; "," or ";" separated). */
export function parseCsvRows(text: string): string[][] {
  const source = text.replace(/^\uFEFF/, "");
  const firstLine = source.split(/\r?\n/, 1)[0] ?? "";
  const separator = !firstLine.includes(",") && firstLine.includes(";") ? ";" : ",";
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === separator) {
      row.push(field);
      field = "";
    }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && source[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((cells) => cells.some((cell) => cell.trim() !== ""));
}

async function checkImage(path: string, bytes: Buffer): Promise<string> {
  let format: string;
  try {
    const meta = readImageMetadata(bytes);
    if (meta.width * meta.height > STIMULUS_LIMITS.maxPixels) throw reject(`${path} is ${meta.width}×${meta.height} pixels; at most ${STIMULUS_LIMITS.maxPixels.toLocaleString("en")} pixels are accepted.`);
    format = meta.format;
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof ImageFormatError) throw reject(`${path} is not a readable JPEG, PNG or WebP image (${error.message})`, { reason: "bad_image", file: path });
    throw error;
  }
  const sharp = await loadSharp();
  try {
    // A full decode: a truncated or corrupt image is refused here, not when a phone shows it.
    await sharp(bytes, { failOn: "truncated", limitInputPixels: STIMULUS_LIMITS.maxPixels }).resize(64, 64, { fit: "inside" }).raw().toBuffer();
  } catch (error) {
    throw reject(`${path} could not be decoded: ${error instanceof Error ? error.message : String(error)}.`, { reason: "bad_image", file: path });
  }
  return MIME[format]!;
}

/** Reads and checks the archive; throws a validation error naming the first problem. Writes nothing. */
export async function planStimulusImport(zip: Buffer): Promise<PlannedStimulus[]> {
  let entries;
  try {
    entries = readZipEntries(zip, STIMULUS_LIMITS);
  } catch (error) {
    if (error instanceof ZipFormatError) throw reject(error.message, { reason: "bad_zip" });
    throw error;
  }
  const files = entries.filter((entry) => !entry.isDirectory && !isIgnored(entry.name));
  // One folder wrapping everything (the usual "zip a folder") is not part of the keys.
  const tops = new Set(files.map((entry) => (entry.name.includes("/") ? entry.name.split("/")[0] : "")));
  const prefix = tops.size === 1 && !tops.has("") ? `${[...tops][0]}/` : "";
  const relative = (name: string) => (prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name);

  const read = (entry: (typeof files)[number]) => {
    try {
      return entry.read();
    } catch (error) {
      if (error instanceof ZipFormatError) throw reject(error.message, { reason: "bad_zip", file: entry.name });
      throw error;
    }
  };

  let labelsCsv: { path: string; text: string } | undefined;
  const images: PlannedStimulus[] = [];
  const byKey = new Map<string, string>();
  for (const entry of files) {
    const path = relative(entry.name);
    if (path.toLowerCase() === "labels.csv") {
      labelsCsv = { path: entry.name, text: read(entry).toString("utf8") };
      continue;
    }
    if (!IMAGE_EXTENSION.test(path)) throw reject(`${entry.name} is not an image (only .jpg, .jpeg, .png and .webp files and labels.csv may be in the ZIP).`, { reason: "bad_file", file: entry.name });
    const key = sceneKeyOfPath(path);
    if (!sceneKeySchema.safeParse(key).success) throw reject(`${entry.name} gives no usable scene key; rename it with letters and digits.`, { reason: "bad_file", file: entry.name });
    const clash = byKey.get(key);
    if (clash) throw reject(`${clash} and ${entry.name} would both become scene ${key}; rename one.`, { reason: "duplicate_key", file: entry.name });
    byKey.set(key, entry.name);
    const bytes = read(entry);
    images.push({ path, key, bytes, mime: await checkImage(entry.name, bytes) });
  }
  if (images.length === 0) throw reject("The ZIP holds no images (.jpg, .jpeg, .png or .webp).", { reason: "no_images" });

  if (labelsCsv) {
    const byPath = new Map(images.map((image) => [image.path.toLowerCase(), image]));
    const byBase = new Map<string, PlannedStimulus | null>();
    for (const image of images) {
      const base = (image.path.split("/").pop() ?? image.path).toLowerCase();
      byBase.set(base, byBase.has(base) ? null : image);
    }
    const rows = parseCsvRows(labelsCsv.text);
    const first = rows[0]?.map((cell) => cell.trim().toLowerCase());
    const hasHeader = first !== undefined && ["file", "filename", "file_name", "image", "path"].includes(first[0] ?? "");
    for (const [index, row] of rows.entries()) {
      if (index === 0 && hasHeader) continue;
      const line = index + 1;
      const file = (row[0] ?? "").trim().replace(/\\/g, "/").replace(/^\.\//, "");
      const label = (row[1] ?? "").trim();
      if (!file) throw reject(`labels.csv line ${line} has no file name.`, { reason: "bad_labels", line });
      const wanted = file.toLowerCase();
      const image = byPath.get(wanted) ?? (prefix ? byPath.get(relative(file).toLowerCase()) : undefined) ?? byBase.get(wanted) ?? undefined;
      if (!image) throw reject(`labels.csv line ${line} names ${file}, which is not an image in the ZIP.`, { reason: "missing_file", line, file });
      if (label.length > 200) throw reject(`labels.csv line ${line}: the label is longer than 200 characters.`, { reason: "bad_labels", line });
      if (label) image.label = label;
    }
  }
  return images;
}

/** Imports a stimulus ZIP into a study (see the module header). */
export async function importStimuli(prisma: PrismaClient, blobs: BlobStore, studyId: string, zip: Buffer): Promise<StimulusImportResult> {
  const study = await prisma.study.findUnique({ where: { id: studyId }, select: { id: true } });
  if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
  return saveStimuli(prisma, blobs, studyId, await planStimulusImport(zip));
}

/**
 * Writes checked stimuli: blobs first, then every scene in one transaction (new keys appended in
 * order, existing ones get the new stimulus and label); the blobs it added go again if that fails.
 */
export async function saveStimuli(prisma: PrismaClient, blobs: BlobStore, studyId: string, planned: readonly PlannedStimulus[]): Promise<StimulusImportResult> {
  const study = await prisma.study.findUnique({ where: { id: studyId }, select: { model: { select: { labels: true } } } });
  if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
  const addedBlobs: string[] = [];
  try {
    const stored: { key: string; sha256: string }[] = [];
    for (const stimulus of planned) {
      const blob = await blobs.put(stimulus.bytes);
      if (blob.created) addedBlobs.push(blob.key);
      stored.push({ key: blob.key, sha256: blob.sha256 });
    }
    return await prisma.$transaction(
      async (tx) => {
        const existing = await tx.scene.findMany({ where: { studyId, key: { in: planned.map((stimulus) => stimulus.key) } } });
        const byKey = new Map(existing.map((scene) => [scene.key, scene]));
        const last = await tx.scene.aggregate({ where: { studyId }, _max: { position: true } });
        let position = (last._max.position ?? -1) + 1;
        let created = 0;
        let updated = 0;
        for (const [index, stimulus] of planned.entries()) {
          const blob = stored[index]!;
          const stimulusFields = { stimulusBlobKey: blob.key, stimulusSha256: blob.sha256, stimulusMime: stimulus.mime };
          const labelFields = stimulus.label !== undefined ? { label: stimulus.label, labelIndex: matchLabelIndex(study.model.labels, stimulus.label) } : {};
          const current = byKey.get(stimulus.key);
          if (current) {
            await tx.scene.update({ where: { id: current.id }, data: { ...stimulusFields, ...labelFields } });
            updated += 1;
          } else {
            await tx.scene.create({ data: { studyId, key: stimulus.key, position: position++, ...stimulusFields, ...labelFields } });
            created += 1;
          }
        }
        const scenes = await tx.scene.findMany({ where: { studyId, key: { in: planned.map((stimulus) => stimulus.key) } }, orderBy: { position: "asc" } });
        return { created, updated, scenes };
      },
      { maxWait: 60_000, timeout: 120_000 },
    );
  } catch (error) {
    // Nothing half-imported: the bytes this import added go again (bytes that were already stored stay).
    for (const key of addedBlobs) await blobs.delete(key).catch(() => false);
    throw error;
  }
}
