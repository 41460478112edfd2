// Serves a registered model's ONNX bytes to phones: content-hashed URLs with immutable caching and
// ETag/304. Compression is left to the server (Next.js gzips responses for clients that accept it;
// route handlers cannot send pre-compressed bodies, Next.js drops their Content-Encoding).
import "server-only";
import { Readable } from "node:stream";
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { BlobStore } from "@/lib/storage/blob-store";

const IMMUTABLE = "public, max-age=31536000, immutable";

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
  const body = request.method === "HEAD" ? null : (Readable.toWeb(await store.stream(model.blobKey)) as ReadableStream<Uint8Array>);
  return new Response(body, { headers: { ...headers, "Content-Length": String(model.sizeBytes) } });
}
