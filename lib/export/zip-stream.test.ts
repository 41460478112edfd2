import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { coalesceChunks, generateZip, type ZipEntry } from "./zip-stream";

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

  it("refuses duplicate names", async () => {
    await expect(collect(generateZip([{ name: "a", data: "1" }, { name: "a", data: "2" }]))).rejects.toThrow(/duplicate/);
  });
});

describe("coalesceChunks", () => {
  it("sends the first chunk at once, then pieces of at least the size, bytes unchanged", async () => {
    const source = Array.from({ length: 50 }, (_, i) => randomBytes(1000 + i * 37));
    const pieces: Uint8Array[] = [];
    for await (const piece of coalesceChunks((async function* () { yield* source; })(), 10_000)) pieces.push(piece);
    expect(pieces[0]).toBe(source[0]);
    expect(pieces.slice(1, -1).every((piece) => piece.length >= 10_000)).toBe(true);
    expect(Buffer.concat(pieces).equals(Buffer.concat(source))).toBe(true);
  });
});
