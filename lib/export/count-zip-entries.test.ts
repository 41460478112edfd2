import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createZipEntryCounter } from "./count-zip-entries";
import { generateZip, type ZipEntry } from "./zip-stream";

describe("createZipEntryCounter", () => {
  it("counts an export's entries however the stream is cut", async () => {
    const entries: ZipEntry[] = [
      { name: "images/a/b__1.jpg", data: randomBytes(70_000) },
      { name: "images/a/c__2.jpg", data: () => (async function* () { yield randomBytes(5000); })() },
      { name: "metadata.jsonl", data: "{}\n" },
      { name: "README.md", data: "# x\n" },
    ];
    const parts: Buffer[] = [];
    for await (const chunk of generateZip(entries)) parts.push(Buffer.from(chunk));
    const zip = Buffer.concat(parts);
    for (const size of [1, 7, 29, 30, 31, 4096, zip.length]) {
      const counter = createZipEntryCounter();
      for (let i = 0; i < zip.length; i += size) counter.push(zip.subarray(i, i + size));
      expect(counter.count, `chunks of ${size}`).toBe(4);
    }
  });
});
