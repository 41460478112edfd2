// Serves a registered model's ONNX bytes to phones: content-hashed URLs with immutable caching,
// ETag/304, and gzip when the browser accepts it and it saves something (the compressed copy is
// made once and kept under DATA_DIR/model-cache).
import "server-only";
import { createReadStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { BlobStore } from "@/lib/storage/blob-store";

const gzipAsync = promisify(gzip);
const IMMUTABLE = "public, max-age=31536000, immutable";

type CompressedState = Map<string, Promise<string | null>>;
const compressing: CompressedState = ((globalThis as { __parallaxModelGzip?: CompressedState }).__parallaxModelGzip ??= new Map());

/** Path of the gzip copy of a model, or null when gzip does not save at least 3 %. */
function ensureGzipCopy(cacheDir: string, store: BlobStore, sha256: string, size: number): Promise<string | null> {
  let pending = compressing.get(sha256);
  if (!pending) {
    pending = (async () => {
      const file = path.join(cacheDir, `${sha256}.onnx.gz`);
      const skip = path.join(cacheDir, `${sha256}.onnx.identity`);
      if (existsSync(file)) return file;
      if (existsSync(skip)) return null;
      mkdirSync(cacheDir, { recursive: true });
      const compressed = await gzipAsync(await store.get(sha256), { level: 6 });
      if (compressed.length > size * 0.97) {
        writeFileSync(skip, "");
        return null;
      }
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, compressed);
      renameSync(temporary, file);
      return file;
    })();
    pending.catch(() => compressing.delete(sha256));
    compressing.set(sha256, pending);
  }
  return pending;
}

/**
 * The response for a model file request. `idOrSha256` is a model id or its SHA-256; `version` (the
 * `?v=` of /api/v1/models/{id}/file) makes the response immutable when it matches the file's hash.
 */
export async function modelFileResponse(
  prisma: PrismaClient,
  store: BlobStore,
  options: { idOrSha256: string; request: Request; cacheDir: string; immutable?: boolean; version?: string | null },
): Promise<Response> {
  const { idOrSha256, request } = options;
  const model = /^[0-9a-f]{64}$/.test(idOrSha256)
    ? await prisma.model.findUnique({ where: { sha256: idOrSha256 }, select: { sha256: true, sizeBytes: true, blobKey: true } })
    : /^[0-9a-zA-Z-]{1,64}$/.test(idOrSha256)
      ? await prisma.model.findUnique({ where: { id: idOrSha256 }, select: { sha256: true, sizeBytes: true, blobKey: true } })
      : null;
  if (!model) throw new AppError("not_found", "No such model file.");
  const immutable = options.immutable || (options.version ? model.sha256.startsWith(options.version) && options.version.length >= 8 : false);
  const etag = `"${model.sha256}"`;
  const headers: Record<string, string> = {
    "Content-Type": "application/octet-stream",
    "Cache-Control": immutable ? IMMUTABLE : "no-cache",
    ETag: etag,
    Vary: "Accept-Encoding",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Sha256": model.sha256,
  };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  const acceptsGzip = /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
  const gzipFile = acceptsGzip ? await ensureGzipCopy(options.cacheDir, store, model.sha256, model.sizeBytes) : null;
  if (gzipFile) {
    const body = Readable.toWeb(createReadStream(gzipFile)) as ReadableStream<Uint8Array>;
    return new Response(request.method === "HEAD" ? null : body, {
      headers: { ...headers, "Content-Encoding": "gzip", "Content-Length": String(statSync(gzipFile).size) },
    });
  }
  const body = request.method === "HEAD" ? null : (Readable.toWeb(await store.stream(model.blobKey)) as ReadableStream<Uint8Array>);
  return new Response(body, { headers: { ...headers, "Content-Length": String(model.sizeBytes) } });
}
