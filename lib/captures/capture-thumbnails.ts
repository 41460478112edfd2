// Small JPEG previews of stored photos for the dashboards' galleries (a 12 MP original is several
// megabytes; a gallery row shows a dozen photos). A thumbnail is made once with sharp — EXIF
// orientation applied, longest side at most `size`, never enlarged — and kept on disk under
// DATA_DIR/thumbnails keyed by the stored blob's SHA-256 and the size, so it is immutable and is
// shared by every capture with the same bytes. Only a few fixed sizes exist, which bounds the cache.
import "server-only";
import { readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadSharp } from "@/lib/server/load-native-modules";
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import { BlobNotFoundError, type BlobStore } from "@/lib/storage/blob-store";
import { createDerivedFileMaker } from "@/lib/storage/derived-files";

export const THUMBNAIL_SIZES = [160, 320, 640] as const;
export type ThumbnailSize = (typeof THUMBNAIL_SIZES)[number];

/** Decodes of a 12 MP photo take ~50 MB each: only this many run at once, the rest queue. */
const MAX_CONCURRENT_RENDERS = 2;
/** Refuse to decode photos larger than this (the upload path already caps pixels; this is a backstop). */
const MAX_INPUT_PIXELS = 120_000_000;

export type Thumbnail = { bytes: Buffer; sha256: string; size: ThumbnailSize; cached: boolean };

export type ThumbnailCache = {
  /** The thumbnail of the blob `sha256` at `size`; `readOriginal` is called only when it is not cached yet. */
  get(sha256: string, size: ThumbnailSize, readOriginal: () => Promise<Buffer>): Promise<Thumbnail>;
};

export function thumbnailCacheDir(dataDir: string): string {
  return path.join(dataDir, "thumbnails");
}

function thumbnailFile(dir: string, sha256: string, size: ThumbnailSize): string {
  return path.join(dir, sha256.slice(0, 2), `${sha256}-${size}.jpg`);
}

/** Removes every cached thumbnail of the stored photo `sha256` (its photo was deleted); returns how many existed. */
export async function removeCachedThumbnails(dir: string, sha256: string): Promise<number> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) return 0;
  let removed = 0;
  for (const size of THUMBNAIL_SIZES) {
    try {
      await unlink(thumbnailFile(dir, sha256, size));
      removed += 1;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return removed;
}

/** Renders one thumbnail (JPEG, quality 78, orientation applied, longest side ≤ size). */
export async function renderThumbnail(original: Buffer, size: number): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(original, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" })
    .rotate()
    .resize({ width: size, height: size, fit: "inside", withoutEnlargement: true })
    .jpeg({ quality: 78, chromaSubsampling: "4:2:0" })
    .toBuffer();
}

export function createThumbnailCache(dir: string): ThumbnailCache {
  // One render per thumbnail even when a gallery asks for it many times at once.
  const make = createDerivedFileMaker();
  let running = 0;
  const waiting: (() => void)[] = [];
  const withRenderSlot = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= MAX_CONCURRENT_RENDERS) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await fn();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };

  return {
    async get(sha256, size, readOriginal) {
      if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
      const file = thumbnailFile(dir, sha256, size);
      try {
        return { bytes: await readFile(file), sha256, size, cached: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
      const bytes = await make(file, (temporary) =>
        withRenderSlot(async () => {
          const rendered = await renderThumbnail(await readOriginal(), size);
          await writeFile(temporary, rendered);
          return rendered;
        }),
      );
      return { bytes, sha256, size, cached: false };
    },
  };
}

const state: { caches?: Map<string, ThumbnailCache> } = ((globalThis as { __parallaxThumbnails?: { caches?: Map<string, ThumbnailCache> } }).__parallaxThumbnails ??= {});

/** The server process's thumbnail cache for `dataDir` (one per folder, shared by every bundle). */
export function getThumbnailCache(dataDir: string): ThumbnailCache {
  state.caches ??= new Map();
  const dir = thumbnailCacheDir(dataDir);
  let cache = state.caches.get(dir);
  if (!cache) state.caches.set(dir, (cache = createThumbnailCache(dir)));
  return cache;
}

/** The thumbnail of a capture's stored photo (404 for an unknown capture). */
export async function getCaptureThumbnail(prisma: PrismaClient, store: BlobStore, cache: ThumbnailCache, captureId: string, size: ThumbnailSize): Promise<Thumbnail> {
  const capture = await prisma.capture.findUnique({ where: { id: captureId }, select: { blobKey: true, sha256: true } });
  if (!capture) throw new AppError("not_found", `No capture with id ${captureId}.`);
  try {
    return await cache.get(capture.sha256, size, () => store.get(capture.blobKey));
  } catch (error) {
    if (error instanceof BlobNotFoundError) throw new AppError("internal", "The stored photo of this capture is missing.", { reason: "blob_missing" });
    throw error;
  }
}
