import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BlobNotFoundError, BlobTooLargeError } from "./blob-store";
import { LocalBlobStore } from "./local-blob-store";

let root: string;
let store: LocalBlobStore;
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "blobs-"));
  store = new LocalBlobStore(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function* chunks(...parts: string[]) {
  for (const part of parts) yield Buffer.from(part);
}

describe("LocalBlobStore", () => {
  it("stores bytes under their SHA-256 and reads them back whole, streamed and by range", async () => {
    const bytes = Buffer.from("hello blob store");
    const stored = await store.put(chunks("hello ", "blob ", "store"));
    expect(stored).toEqual({ key: sha(bytes), sha256: sha(bytes), size: bytes.length, created: true });
    expect(filesUnder(root)).toEqual([path.join(stored.key.slice(0, 2), stored.key.slice(2, 4), stored.key)]);
    expect(await store.get(stored.key)).toEqual(bytes);
    const streamed: Buffer[] = [];
    for await (const chunk of await store.stream(stored.key, { start: 6, end: 9 })) streamed.push(chunk as Buffer);
    expect(Buffer.concat(streamed).toString()).toBe("blob");
    expect(await store.stat(stored.key)).toMatchObject({ key: stored.key, size: bytes.length });
  });

  it("opens a blob for reads at chosen positions into the caller's buffer", async () => {
    const bytes = Buffer.from("0123456789abcdef");
    const stored = await store.put(bytes);
    const reader = await store.open(stored.key);
    try {
      expect(reader.size).toBe(16);
      const into = Buffer.alloc(6);
      expect(await reader.read(into, 4)).toBe(6);
      expect(into.toString()).toBe("456789");
      expect(await reader.read(into, 13)).toBe(3);
      expect(into.subarray(0, 3).toString()).toBe("def");
      expect(await reader.read(into, 16)).toBe(0);
      // Still readable once deleted: an export that opened it finishes the photo.
      await store.delete(stored.key);
      expect(await reader.read(into, 0)).toBe(6);
      expect(into.toString()).toBe("012345");
    } finally {
      await reader.close();
    }
    await expect(store.open(stored.key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.open("not-a-key")).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it("writes a long stream of chunks of every size (empty ones, tiny ones, several batches) byte for byte", async () => {
    const parts: Buffer[] = [];
    for (let i = 0; i < 1500; i++) parts.push(Buffer.alloc(i % 7 === 0 ? 0 : i % 5 === 0 ? 70_000 + i : (i % 13) + 1, i & 0xff));
    const bytes = Buffer.concat(parts);
    const stored = await store.put((async function* () {
      yield* parts;
    })());
    expect(stored).toMatchObject({ sha256: sha(bytes), size: bytes.length, created: true });
    expect((await store.get(stored.key)).equals(bytes)).toBe(true);
  });

  it("de-duplicates identical content", async () => {
    const first = await store.put(Buffer.from("same"));
    const second = await store.put(new Blob(["same"]).stream());
    expect(second).toEqual({ ...first, created: false });
    expect(filesUnder(root)).toHaveLength(1);
  });

  it("leaves nothing behind when the source fails, the size cap is hit or the write is aborted", async () => {
    async function* failing() {
      yield Buffer.from("partial");
      throw new Error("connection dropped");
    }
    await expect(store.put(failing())).rejects.toThrow("connection dropped");
    await expect(store.put(chunks("0123456789", "abc"), { maxBytes: 12 })).rejects.toBeInstanceOf(BlobTooLargeError);
    const controller = new AbortController();
    async function* slow() {
      yield Buffer.from("a");
      controller.abort(new Error("client went away"));
      yield Buffer.from("b");
    }
    await expect(store.put(slow(), { signal: controller.signal })).rejects.toThrow("client went away");
    expect(filesUnder(root)).toEqual([]);
  });

  it("stores many concurrent puts, across two stores on one folder, each under its own temporary file", async () => {
    const other = new LocalBlobStore(root);
    const contents = Array.from({ length: 60 }, (_, i) => `blob ${i % 45}`);
    const results = await Promise.all(contents.map((text, i) => (i % 2 ? store : other).put(chunks(text.slice(0, 3), text.slice(3)))));
    expect(results.map((r) => r.key)).toEqual(contents.map((text) => sha(Buffer.from(text))));
    // Identical content racing may both report created; either way one file per content and no temporary file is left.
    expect(filesUnder(root)).toHaveLength(45);
    for (const text of contents) expect((await store.get(sha(Buffer.from(text)))).toString()).toBe(text);
  });

  it("closes every file it opens, whether the put succeeds or fails", async () => {
    const openDescriptors = () => readdirSync("/proc/self/fd").length;
    await store.put(Buffer.from("warm-up"));
    const before = openDescriptors();
    async function* failing() {
      yield Buffer.from("partial");
      throw new Error("connection dropped");
    }
    for (let i = 0; i < 20; i++) {
      await store.put(chunks(`content ${i}`));
      await store.put(chunks(`content ${i}`));
      await expect(store.put(failing())).rejects.toThrow("connection dropped");
    }
    expect(openDescriptors()).toBe(before);
  });

  it("lists and deletes blobs; unknown or malformed keys are not found", async () => {
    const a = await store.put(Buffer.from("a"));
    const b = await store.put(Buffer.from("b"));
    const listed = [];
    for await (const blob of store.list()) listed.push(blob.key);
    expect(listed.sort()).toEqual([a.key, b.key].sort());
    expect(await store.delete(a.key)).toBe(true);
    expect(await store.delete(a.key)).toBe(false);
    await expect(store.get(a.key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.get("../../etc/passwd")).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(await store.stat("not-a-key")).toBeNull();
  });

  it("removes stale temporary files of interrupted writes, keeping young ones", async () => {
    await store.put(Buffer.from("x"));
    const tmp = path.join(root, ".tmp");
    writeFileSync(path.join(tmp, "old"), "half");
    writeFileSync(path.join(tmp, "young"), "half");
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(path.join(tmp, "old"), hourAgo, hourAgo);
    expect(await store.removeStaleTemporaryFiles(60_000)).toBe(1);
    expect(readdirSync(tmp)).toEqual(["young"]);
  });
});
