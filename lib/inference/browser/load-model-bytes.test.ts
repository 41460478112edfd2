import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadModelBytes, ModelHashMismatchError, type ModelBytesCache } from "./load-model-bytes";

const ORIGIN = "https://parallax.test";
const MODEL = new Uint8Array(Buffer.from("ONNX weights ".repeat(5000)));
const SHA = createHash("sha256").update(MODEL).digest("hex");
const model = { sha256: SHA, fileUrl: `/m/${SHA}.onnx`, gzipFileUrl: `/m/${SHA}.onnx.gz`, sizeBytes: MODEL.length };
const PLAIN = ORIGIN + model.fileUrl;
const GZIP = ORIGIN + model.gzipFileUrl;
const GZIPPED = gzipSync(MODEL, { level: 9 });

/** A fake server: each URL answers with a fresh Response; every request is recorded. */
function fakeFetch(routes: Record<string, () => Response>) {
  const requested: string[] = [];
  const fetch = async (url: string) => {
    requested.push(url);
    return routes[url]?.() ?? new Response("not found", { status: 404 });
  };
  return { fetch, requested };
}

/** As the server sends it: no Content-Length (Next.js drops it), the size in X-Compressed-Length. */
function gzipResponse(bytes: Uint8Array): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": "application/gzip", "X-Compressed-Length": String(bytes.length) } });
}
const plainResponse = (bytes: Uint8Array) => new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": "application/octet-stream" } });

function memoryCache() {
  const entries = new Map<string, Uint8Array>();
  const cache: ModelBytesCache = {
    async match(key) {
      const bytes = entries.get(key);
      return bytes ? new Response(bytes as Uint8Array<ArrayBuffer>) : undefined;
    },
    async put(key, response) {
      entries.set(key, new Uint8Array(await response.arrayBuffer()));
    },
    async delete(key) {
      return entries.delete(key);
    },
  };
  return { cache, entries };
}

const same = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.from(a).equals(Buffer.from(b));

describe("loadModelBytes", () => {
  it("downloads the gzip file, reports progress over the compressed bytes, keeps the verified model under the plain URL", async () => {
    const gzip = GZIPPED;
    const server = fakeFetch({ [GZIP]: () => gzipResponse(gzip) });
    const { cache, entries } = memoryCache();
    const progress: [number, number][] = [];
    const loaded = await loadModelBytes(model, { baseUrl: ORIGIN, cache, fetch: server.fetch, useGzip: true, onProgress: (l, t) => progress.push([l, t]) });
    expect(loaded.via).toBe("gzip");
    expect(loaded.gzipFailure).toBeUndefined();
    expect(same(loaded.bytes, MODEL)).toBe(true);
    expect(server.requested).toEqual([GZIP]);
    expect(progress.at(-1)).toEqual([gzip.length, gzip.length]);
    expect(progress.every(([l, t]) => t === gzip.length && l <= t)).toBe(true);
    expect([...entries.keys()]).toEqual([PLAIN]);
    expect(same(entries.get(PLAIN), MODEL)).toBe(true);

    // The second visit downloads nothing.
    const again = await loadModelBytes(model, { baseUrl: ORIGIN, cache, fetch: server.fetch, useGzip: true });
    expect(again.via).toBe("cache");
    expect(server.requested).toEqual([GZIP]);
  });

  it("never uses gzip bytes that decompress to another model: falls back to the plain file and says why", async () => {
    const other = new Uint8Array(MODEL);
    other[100] = other[100]! ^ 1;
    const server = fakeFetch({ [GZIP]: () => gzipResponse(gzipSync(other)), [PLAIN]: () => plainResponse(MODEL) });
    const { cache, entries } = memoryCache();
    const loaded = await loadModelBytes(model, { baseUrl: ORIGIN, cache, fetch: server.fetch, useGzip: true });
    expect(loaded.via).toBe("plain");
    expect(loaded.gzipFailure).toMatch(/does not match its SHA-256/);
    expect(same(loaded.bytes, MODEL)).toBe(true);
    expect(server.requested).toEqual([GZIP, PLAIN]);
    expect(same(entries.get(PLAIN), MODEL)).toBe(true);
  });

  it.each([
    ["a truncated gzip", () => gzipResponse(GZIPPED.subarray(0, GZIPPED.length - 10))],
    ["bytes that are not gzip", () => gzipResponse(MODEL)],
    ["a gzip that inflates beyond the model's size", () => gzipResponse(gzipSync(new Uint8Array(MODEL.length * 4)))],
    ["a missing gzip file", () => new Response("no", { status: 404 })],
  ])("falls back to the plain file on %s", async (_, gzipAnswer) => {
    const server = fakeFetch({ [GZIP]: gzipAnswer, [PLAIN]: () => plainResponse(MODEL) });
    const loaded = await loadModelBytes(model, { baseUrl: ORIGIN, fetch: server.fetch, useGzip: true });
    expect(loaded.via).toBe("plain");
    expect(loaded.gzipFailure).toBeTruthy();
    expect(same(loaded.bytes, MODEL)).toBe(true);
  });

  it("rejects, and keeps nothing, when no path gives bytes with the model's hash", async () => {
    const wrong = new Uint8Array(MODEL);
    wrong[0] = wrong[0]! ^ 0xff;
    const server = fakeFetch({ [GZIP]: () => gzipResponse(gzipSync(wrong)), [PLAIN]: () => plainResponse(wrong) });
    const { cache, entries } = memoryCache();
    const attempt = loadModelBytes(model, { baseUrl: ORIGIN, cache, fetch: server.fetch, useGzip: true });
    await expect(attempt).rejects.toThrow(/does not match its SHA-256.*after the gzip file failed/);
    expect(entries.size).toBe(0);
    const plainOnly = loadModelBytes(model, { baseUrl: ORIGIN, cache, fetch: server.fetch, useGzip: false });
    await expect(plainOnly).rejects.toBeInstanceOf(ModelHashMismatchError);
    expect(entries.size).toBe(0);
  });

  it("fetches only the plain file where the browser cannot gunzip or the model has no gzip URL", async () => {
    const server = fakeFetch({ [PLAIN]: () => plainResponse(MODEL) });
    const progress: [number, number][] = [];
    const noGunzip = await loadModelBytes(model, { baseUrl: ORIGIN, fetch: server.fetch, useGzip: false, onProgress: (l, t) => progress.push([l, t]) });
    expect(noGunzip.via).toBe("plain");
    expect(progress.at(-1)).toEqual([MODEL.length, MODEL.length]);
    const noUrl = await loadModelBytes({ ...model, gzipFileUrl: undefined }, { baseUrl: ORIGIN, fetch: server.fetch, useGzip: true });
    expect(noUrl.via).toBe("plain");
    expect(server.requested).toEqual([PLAIN, PLAIN]);
  });

  it("downloads again when the cached copy is damaged", async () => {
    const server = fakeFetch({ [GZIP]: () => gzipResponse(gzipSync(MODEL)) });
    const { cache, entries } = memoryCache();
    entries.set(PLAIN, MODEL.subarray(0, 1000));
    const loaded = await loadModelBytes(model, { baseUrl: ORIGIN, cache, fetch: server.fetch, useGzip: true });
    expect(loaded.via).toBe("gzip");
    expect(same(entries.get(PLAIN), MODEL)).toBe(true);
  });
});
