// The gzip copies of model files that phones download (/m/<sha256>.onnx.gz). Next.js cannot send a
// Content-Encoding from a route handler (it strips the header) and would not compress
// application/octet-stream anyway, so the compression is ours: each model is gzipped once
// (level 9, header without name or time, so the same model gives the same bytes), kept on disk
// under DATA_DIR/model-gzip keyed by the model's SHA-256, and streamed from there. Models are
// never deleted, so the cache needs no eviction; its size is bounded by the registry's.
import "server-only";
import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { constants, createGzip } from "node:zlib";
import { createDerivedFileMaker } from "@/lib/storage/derived-files";

export type CachedModelGzip = { file: string; size: number; created: boolean };

export type ModelGzipCache = {
  /** The gzip file of the model `sha256`; `openOriginal` is called only when it is not made yet. */
  get(sha256: string, openOriginal: () => Promise<Readable>): Promise<CachedModelGzip>;
};

export function modelGzipCacheDir(dataDir: string): string {
  return path.join(dataDir, "model-gzip");
}

function gzipFile(dir: string, sha256: string): string {
  return path.join(dir, sha256.slice(0, 2), `${sha256}.onnx.gz`);
}

/**
 * Gzip level 9. Node's gzip header carries no file name and a zero modification time, so the
 * output depends only on the input bytes (and the zlib version).
 */
export function createModelGzipStream() {
  return createGzip({ level: constants.Z_BEST_COMPRESSION });
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export function createModelGzipCache(dir: string): ModelGzipCache {
  // One compression per model even when many phones ask for it at once (a study's first minute).
  const make = createDerivedFileMaker();
  return {
    async get(sha256, openOriginal) {
      if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
      const file = gzipFile(dir, sha256);
      const size = await sizeOf(file);
      if (size !== null) return { file, size, created: false };
      await make(file, async (temporary) => pipeline(await openOriginal(), createModelGzipStream(), createWriteStream(temporary)));
      return { file, size: (await stat(file)).size, created: true };
    },
  };
}

const state: { caches?: Map<string, ModelGzipCache> } = ((globalThis as { __parallaxModelGzip?: { caches?: Map<string, ModelGzipCache> } }).__parallaxModelGzip ??= {});

/** The server process's model gzip cache for `dataDir` (one per folder, shared by every bundle). */
export function getModelGzipCache(dataDir: string): ModelGzipCache {
  state.caches ??= new Map();
  const dir = modelGzipCacheDir(dataDir);
  let cache = state.caches.get(dir);
  if (!cache) state.caches.set(dir, (cache = createModelGzipCache(dir)));
  return cache;
}
