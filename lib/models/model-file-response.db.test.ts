import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/api/app-error";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import type { BlobStore } from "@/lib/storage/blob-store";
import { LocalBlobStore } from "@/lib/storage/local-blob-store";
import { builtinModelDir, ensureBuiltinModels } from "./builtin-models";
import { modelFileResponse, modelGzipFileResponse } from "./model-file-response";
import { createModelGzipCache, modelGzipCacheDir } from "./model-gzip-cache";
import type { ModelInfo } from "./model-info";

let db: TestDatabase;
let dir: string;
let store: LocalBlobStore;
let model: ModelInfo;
let modelBytes: Buffer;
let blobReads = 0;
/** The blob store, counting how often the model is read (the gzip must be made only once). */
let countingStore: BlobStore;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), "parallax-model-file-"));
  store = new LocalBlobStore(path.join(dir, "blobs"));
  model = await ensureBuiltinModels(db.prisma, store);
  modelBytes = readFileSync(path.join(builtinModelDir(), "model.onnx"));
  countingStore = Object.assign(Object.create(store) as BlobStore, {
    stream: (...args: Parameters<BlobStore["stream"]>) => {
      blobReads += 1;
      return store.stream(...args);
    },
  });
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}, method = "GET") => new Request(`http://phone.test${url}`, { method, headers });
const bodyOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe("model files for phones", () => {
  it("serves the gzip file: gunzips to the model, immutable, with the decompressed model's hash and length", async () => {
    expect(model.gzipFileUrl).toBe(`/m/${model.sha256}.onnx.gz`);
    const cache = createModelGzipCache(modelGzipCacheDir(path.join(dir, "a")));
    blobReads = 0;
    const response = await modelGzipFileResponse(db.prisma, countingStore, cache, { sha256: model.sha256, request: get(model.gzipFileUrl!) });
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(gunzipSync(body).equals(modelBytes)).toBe(true);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "application/gzip",
      "cache-control": "public, max-age=31536000, immutable",
      etag: `"${model.sha256}.gz"`,
      "content-length": String(body.length),
      "x-compressed-length": String(body.length),
      "x-content-sha256": model.sha256,
      "x-uncompressed-length": String(modelBytes.length),
      "cross-origin-resource-policy": "same-origin",
    });
    expect(body.length).toBeLessThan(modelBytes.length);

    // Made once: a second request streams the same bytes from the cache without reading the model.
    const again = await modelGzipFileResponse(db.prisma, countingStore, cache, { sha256: model.sha256, request: get(model.gzipFileUrl!) });
    expect((await bodyOf(again)).equals(body)).toBe(true);
    expect(blobReads).toBe(1);

    // Reproducible: another server (another data folder) makes the very same bytes.
    const elsewhere = createModelGzipCache(modelGzipCacheDir(path.join(dir, "b")));
    const other = await modelGzipFileResponse(db.prisma, store, elsewhere, { sha256: model.sha256, request: get(model.gzipFileUrl!) });
    expect((await bodyOf(other)).equals(body)).toBe(true);
  });

  it("answers If-None-Match with 304, HEAD without a body, and keeps the plain file's ETag apart", async () => {
    const cache = createModelGzipCache(modelGzipCacheDir(path.join(dir, "c")));
    const url = model.gzipFileUrl!;
    const notModified = await modelGzipFileResponse(db.prisma, store, cache, { sha256: model.sha256, request: get(url, { "if-none-match": `"${model.sha256}.gz"` }) });
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeNull();
    expect(notModified.headers.get("etag")).toBe(`"${model.sha256}.gz"`);

    // The plain file's ETag names other bytes: it must not make the gzip URL answer 304.
    const plainTag = await modelGzipFileResponse(db.prisma, store, cache, { sha256: model.sha256, request: get(url, { "if-none-match": `"${model.sha256}"` }) });
    expect(plainTag.status).toBe(200);
    const gzipLength = (await bodyOf(plainTag)).length;

    const head = await modelGzipFileResponse(db.prisma, store, cache, { sha256: model.sha256, request: get(url, {}, "HEAD") });
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers.get("content-length")).toBe(String(gzipLength));

    const plain = await modelFileResponse(db.prisma, store, { idOrSha256: model.sha256, request: get(model.fileUrl, { "if-none-match": `"${model.sha256}.gz"` }), immutable: true });
    expect(plain.status).toBe(200);
    expect((await bodyOf(plain)).equals(modelBytes)).toBe(true);
    expect(plain.headers.get("content-type")).toBe("application/octet-stream");
    const plainNotModified = await modelFileResponse(db.prisma, store, { idOrSha256: model.sha256, request: get(model.fileUrl, { "if-none-match": `"${model.sha256}"` }), immutable: true });
    expect(plainNotModified.status).toBe(304);
  });

  it("answers 404 for a SHA-256 no model has", async () => {
    const cache = createModelGzipCache(modelGzipCacheDir(path.join(dir, "d")));
    const unknown = "0".repeat(64);
    const attempt = modelGzipFileResponse(db.prisma, store, cache, { sha256: unknown, request: get(`/m/${unknown}.onnx.gz`) });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ code: "not_found", status: 404 });
  });
});
