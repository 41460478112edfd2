// Serves a registered model's ONNX bytes to phones: content-hashed URLs with immutable caching and
// ETag/304, plain (/m/<sha256>.onnx) or as our own gzip file (/m/<sha256>.onnx.gz, made once by
// model-gzip-cache.ts). HTTP Content-Encoding is not an option: Next.js strips a route handler's
// Content-Encoding (and Content-Length) and its own compression skips application/octet-stream.
// The browser gunzips the .gz itself (DecompressionStream) and checks the SHA-256 of the result.
import "server-only";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { BlobStore } from "@/lib/storage/blob-store";
import type { ModelGzipCache } from "./model-gzip-cache";

const IMMUTABLE = "public, max-age=31536000, immutable";

type ModelFile = { sha256: string; sizeBytes: number; blobKey: string };

async function findModelFile(prisma: PrismaClient, idOrSha256: string): Promise<ModelFile> {
  const select = { sha256: true, sizeBytes: true, blobKey: true } as const;
  const model = /^[0-9a-f]{64}$/.test(idOrSha256)
    ? await prisma.model.findUnique({ where: { sha256: idOrSha256 }, select })
    : /^[0-9a-zA-Z-]{1,64}$/.test(idOrSha256)
      ? await prisma.model.findUnique({ where: { id: idOrSha256 }, select })
      : null;
  if (!model) throw new AppError("not_found", "No such model file.");
  return model;
}

function isNotModified(request: Request, etag: string): boolean {
  return request.headers.get("if-none-match")?.split(",").some((tag) => tag.trim() === etag) ?? false;
}

/**
 * The response for a model file request. `idOrSha256` is a model id or its SHA-256; `version` (the
 * `?v=` of /api/v1/models/{id}/file) makes the response immutable when it matches the file's hash.
 */
export async function modelFileResponse(
  prisma: PrismaClient,
  store: BlobStore,
  options: { idOrSha256: string; request: Request; immutable?: boolean; version?: string | null },
): Promise<Response> {
  const { idOrSha256, request } = options;
  const model = await findModelFile(prisma, idOrSha256);
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
  if (isNotModified(request, etag)) return new Response(null, { status: 304, headers });
  const body = request.method === "HEAD" ? null : (Readable.toWeb(await store.stream(model.blobKey)) as ReadableStream<Uint8Array>);
  return new Response(body, { headers: { ...headers, "Content-Length": String(model.sizeBytes) } });
}

/**
 * The response for /m/<sha256>.onnx.gz: the model gzip-compressed (application/gzip, immutable).
 * X-Content-Sha256 and X-Uncompressed-Length describe the decompressed model, which is what the
 * browser verifies. The size of the gzip travels as X-Compressed-Length too, because Next.js drops
 * Content-Length from route handlers and the phone's progress bar needs the total.
 */
export async function modelGzipFileResponse(prisma: PrismaClient, store: BlobStore, cache: ModelGzipCache, options: { sha256: string; request: Request }): Promise<Response> {
  const { request } = options;
  if (!/^[0-9a-f]{64}$/.test(options.sha256)) throw new AppError("not_found", "No such model file.");
  const model = await findModelFile(prisma, options.sha256);
  const etag = `"${model.sha256}.gz"`;
  const headers: Record<string, string> = {
    "Content-Type": "application/gzip",
    "Cache-Control": IMMUTABLE,
    ETag: etag,
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Sha256": model.sha256,
    "X-Uncompressed-Length": String(model.sizeBytes),
  };
  if (isNotModified(request, etag)) return new Response(null, { status: 304, headers });
  const gzip = await cache.get(model.sha256, () => store.stream(model.blobKey));
  const body = request.method === "HEAD" ? null : (Readable.toWeb(createReadStream(gzip.file)) as ReadableStream<Uint8Array>);
  return new Response(body, { headers: { ...headers, "Content-Length": String(gzip.size), "X-Compressed-Length": String(gzip.size) } });
}
