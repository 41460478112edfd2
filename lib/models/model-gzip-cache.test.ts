import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createModelGzipCache } from "./model-gzip-cache";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "parallax-model-gzip-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** 3 MB that compress somewhat, like weights: a repeating ramp with noise. */
function fakeWeights(seed: number): Buffer {
  const bytes = Buffer.alloc(3 * 1024 * 1024);
  let state = seed;
  for (let i = 0; i < bytes.length; i += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = (i % 251) + (state >>> 29);
  }
  return bytes;
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const sha = "ab".repeat(32);

describe("model gzip cache", () => {
  it("compresses once, in chunks, to a file that gunzips to the original", async () => {
    const original = fakeWeights(1);
    let opened = 0;
    const open = async () => {
      opened += 1;
      // Small chunks, as the blob store streams them.
      return Readable.from((function* () {
        for (let at = 0; at < original.length; at += 65_536) yield original.subarray(at, at + 65_536);
      })());
    };
    const cache = createModelGzipCache(dir);
    const first = await cache.get(sha, open);
    const second = await cache.get(sha, open);
    expect(first).toMatchObject({ created: true });
    expect(second).toEqual({ ...first, created: false });
    expect(opened).toBe(1);
    const gzip = readFileSync(first.file);
    expect(gzip.length).toBe(first.size);
    expect(gzip.length).toBeLessThan(original.length);
    expect(gunzipSync(gzip).equals(original)).toBe(true);
    // Reproducible: no name (FLG 0) and no modification time in the header.
    expect([...gzip.subarray(0, 8)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
  });

  it("gives concurrent first requests one compression and one complete file", async () => {
    const original = fakeWeights(2);
    let opened = 0;
    const cache = createModelGzipCache(dir);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        cache.get(sha, async () => {
          opened += 1;
          return Readable.from([original]);
        }),
      ),
    );
    expect(opened).toBe(1);
    expect(new Set(results.map((r) => r.size)).size).toBe(1);
    expect(filesUnder(dir)).toEqual([results[0]!.file]);
    expect(gunzipSync(readFileSync(results[0]!.file)).equals(original)).toBe(true);
  });

  it("leaves nothing behind when the original cannot be read, and succeeds on the next request", async () => {
    const cache = createModelGzipCache(dir);
    const broken = () =>
      Promise.resolve(
        Readable.from((async function* () {
          yield Buffer.from("partial");
          throw new Error("disk went away");
        })()),
      );
    await expect(cache.get(sha, broken)).rejects.toThrow("disk went away");
    expect(filesUnder(dir)).toEqual([]);
    const original = fakeWeights(3);
    const made = await cache.get(sha, async () => Readable.from([original]));
    expect(gunzipSync(readFileSync(made.file)).equals(original)).toBe(true);
  });

  it("makes the same bytes for the same model in another data folder", async () => {
    const original = fakeWeights(4);
    const other = mkdtempSync(path.join(tmpdir(), "parallax-model-gzip-"));
    try {
      const a = await createModelGzipCache(dir).get(sha, async () => Readable.from([original]));
      const b = await createModelGzipCache(other).get(sha, async () => Readable.from([original]));
      expect(readFileSync(a.file).equals(readFileSync(b.file))).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("refuses a key that is not a SHA-256", async () => {
    await expect(createModelGzipCache(dir).get("../x", async () => Readable.from([Buffer.from("x")]))).rejects.toThrow("not a SHA-256");
  });
});
