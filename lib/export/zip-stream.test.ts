import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readSlowlyHoldingChunks } from "./testing/read-slowly";
import { assembleChunks, generateZip, zipReadableStream, type ZipEntry } from "./zip-stream";

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

async function* chunked(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Reads the archive with Python's zipfile (a strict, central-directory reader) and returns name → sha of content. */
function readWithPython(zip: Buffer): Record<string, { size: number; hex: string }> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "parallax-zip-")), "a.zip");
  writeFileSync(file, zip);
  const script = `
import zipfile, json, hashlib, sys
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
assert bad is None, bad
print(json.dumps({i.filename: {"size": i.file_size, "hex": hashlib.sha256(z.read(i)).hexdigest()} for i in z.infolist()}))
`;
  return JSON.parse(execFileSync("python3", ["-c", script, file]).toString());
}

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("generateZip", () => {
  const photo = randomBytes(300_000);
  const entries = (): ZipEntry[] => [
    { name: "README.md", data: "# Dataset\n" },
    { name: "images/scène-1/Apple iPhone 15__c1.jpg", data: () => chunked(photo, 64 * 1024) },
    { name: "empty.txt", data: "" },
    { name: "metadata.jsonl", data: () => chunked(new TextEncoder().encode('{"a":1}\n{"a":2}\n'), 5) },
  ];

  it.each([false, true])("writes an archive Python's zipfile reads back exactly (forceZip64=%s)", async (forceZip64) => {
    const zip = await collect(generateZip(entries(), { forceZip64 }));
    const read = readWithPython(zip);
    expect(Object.keys(read)).toEqual(["README.md", "images/scène-1/Apple iPhone 15__c1.jpg", "empty.txt", "metadata.jsonl"]);
    expect(read["images/scène-1/Apple iPhone 15__c1.jpg"]).toEqual({ size: photo.length, hex: sha(photo) });
    expect(read["README.md"]!.hex).toBe(sha(Buffer.from("# Dataset\n")));
    expect(read["empty.txt"]!.size).toBe(0);
  });

  it("passes unzip's integrity test", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "parallax-zip-")), "b.zip");
    writeFileSync(file, await collect(generateZip(entries())));
    expect(execFileSync("unzip", ["-t", file]).toString()).toMatch(/No errors detected/);
  });

  it("stores bytes unchanged (STORE method), so a photo can be found verbatim in the archive", async () => {
    const zip = await collect(generateZip(entries()));
    expect(zip.indexOf(photo)).toBeGreaterThan(0);
  });

  it("pulls the next entry only after the previous one was consumed (constant memory)", async () => {
    let produced = 0;
    function* lazyEntries(): Generator<ZipEntry> {
      for (let i = 0; i < 3; i++) {
        produced += 1;
        yield { name: `f${i}.bin`, data: new Uint8Array(10) };
      }
    }
    const iterator = generateZip(lazyEntries());
    await iterator.next(); // first local header
    expect(produced).toBe(1);
  });

  it("writes a central directory larger than its blocks (thousands of long names) that Python reads back", async () => {
    const names = Array.from({ length: 3000 }, (_, i) => `images/scene-${i % 97}/${"Device Model ".repeat(6)}__capture-${i}.jpg`);
    const zip = await collect(generateZip(names.map((name, i) => ({ name, data: `photo ${i}` }))));
    const read = readWithPython(zip);
    expect(Object.keys(read)).toEqual(names);
    expect(read[names[2999]!]).toEqual({ size: 10, hex: sha(Buffer.from("photo 2999")) });
  });

  it("refuses duplicate names", async () => {
    await expect(collect(generateZip([{ name: "a", data: "1" }, { name: "a", data: "2" }]))).rejects.toThrow(/duplicate/);
  });
});

describe("assembleChunks", () => {
  it("sends the first chunk at once, then pieces of exactly the size, bytes unchanged", async () => {
    const source = Array.from({ length: 50 }, (_, i) => randomBytes(1000 + i * 37));
    const pieces: Uint8Array[] = [];
    for await (const piece of assembleChunks((async function* () { yield* source; })(), 10_000)) pieces.push(piece);
    expect(Buffer.from(pieces[0]!).equals(source[0]!)).toBe(true);
    expect(pieces.slice(1, -1).every((piece) => piece.length === 10_000)).toBe(true);
    expect(pieces.at(-1)!.length).toBeLessThanOrEqual(10_000);
    expect(Buffer.concat(pieces).equals(Buffer.concat(source))).toBe(true);
  });

  it("hands out pieces of its own: a producer may overwrite its buffer as soon as it is resumed", async () => {
    const expected: Buffer[] = [];
    // One buffer for every chunk, rewritten (and cut to another length) each time the producer resumes.
    async function* reusing() {
      const buffer = new Uint8Array(70_000);
      for (let i = 0; i < 40; i++) {
        const chunk = buffer.subarray(0, 3_000 + ((i * 7919) % 67_000));
        chunk.set(randomBytes(chunk.length));
        expected.push(Buffer.from(chunk));
        yield chunk;
      }
    }
    // A consumer that keeps every piece and looks at them only at the end.
    const held: Uint8Array[] = [];
    for await (const piece of assembleChunks(reusing(), 16_384)) held.push(piece);
    expect(Buffer.concat(held).equals(Buffer.concat(expected))).toBe(true);
    // The last piece owns exactly its bytes: nothing unwritten lies behind it.
    expect(held.at(-1)!.byteLength).toBe(held.at(-1)!.buffer.byteLength);
  });
});

describe("zipReadableStream", () => {
  it("keeps every entry intact for a slow reader that holds every chunk, while entries reuse one buffer", async () => {
    const files = Array.from({ length: 60 }, (_, i) => randomBytes(1 + ((i * 104_729) % 300_000)));
    const scratch = new Uint8Array(300_000);
    // Each entry's bytes are copied into the same scratch buffer, as the export reads photos into pooled buffers.
    async function* entries(): AsyncGenerator<ZipEntry> {
      for (const [i, file] of files.entries()) {
        scratch.set(file);
        yield i % 3 === 0 ? { name: `f${i}.bin`, data: () => chunked(scratch.subarray(0, file.length), 64 * 1024) } : { name: `f${i}.bin`, data: scratch.subarray(0, file.length) };
        scratch.fill(0xee);
      }
    }
    const read = readWithPython(await readSlowlyHoldingChunks(zipReadableStream(entries(), { sendChunkBytes: 100_000 })));
    expect(Object.keys(read)).toHaveLength(files.length);
    files.forEach((file, i) => expect(read[`f${i}.bin`]).toEqual({ size: file.length, hex: sha(file) }));
  });
});
