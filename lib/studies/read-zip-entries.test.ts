// The stimulus ZIP reader: stored and deflated entries read back exactly; a lying size (a deflate
// bomb), encryption, unknown methods, caps and truncation are refused with a clear ZipFormatError.
import { crc32, deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readZipEntries, ZipFormatError } from "./read-zip-entries";

type Entry = { name: string; data: Buffer; method?: 0 | 8 | 12; flags?: number; declaredSize?: number };

function zip(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const method = entry.method ?? 8;
    const packed = method === 8 ? deflateRawSync(entry.data) : entry.data;
    const name = Buffer.from(entry.name);
    const size = entry.declaredSize ?? entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc32(entry.data) >>> 0, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE(entry.flags ?? 0, 8);
    record.writeUInt16LE(method, 10);
    record.writeUInt32LE(crc32(entry.data) >>> 0, 16);
    record.writeUInt32LE(packed.length, 20);
    record.writeUInt32LE(size, 24);
    record.writeUInt16LE(name.length, 28);
    record.writeUInt32LE(offset, 42);
    parts.push(local, name, packed);
    central.push(record, name);
    offset += 30 + name.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

const limits = { maxEntries: 10, maxEntryBytes: 1_000_000, maxTotalBytes: 2_000_000 };

describe("readZipEntries", () => {
  it("reads stored and deflated entries and directories", () => {
    const text = Buffer.from("hello ".repeat(1000));
    const entries = readZipEntries(zip([{ name: "d/", data: Buffer.alloc(0), method: 0 }, { name: "d/a.txt", data: text }, { name: "b.bin", data: Buffer.from([1, 2, 3]), method: 0 }]), limits);
    expect(entries.map((entry) => [entry.name, entry.isDirectory])).toEqual([
      ["d/", true],
      ["d/a.txt", false],
      ["b.bin", false],
    ]);
    expect(entries[1]!.read().equals(text)).toBe(true);
    expect([...entries[2]!.read()]).toEqual([1, 2, 3]);
  });

  it("refuses a deflate bomb whose declared size is small", () => {
    const [entry] = readZipEntries(zip([{ name: "bomb.png", data: Buffer.alloc(5_000_000), declaredSize: 100 }]), { ...limits, maxEntryBytes: 10_000_000, maxTotalBytes: 10_000_000 });
    expect(() => entry!.read()).toThrow(ZipFormatError);
  });

  it.each([
    ["encrypted entries", [{ name: "a.png", data: Buffer.from("x"), flags: 1 }], /encrypted/],
    ["unknown compression methods", [{ name: "a.png", data: Buffer.from("x"), method: 12 as const }], /compression method/],
    ["entries over the size cap", [{ name: "a.png", data: Buffer.alloc(10), declaredSize: 2_000_000 }], /at most 1000000 bytes per file/],
    ["too many entries", Array.from({ length: 11 }, (_, i) => ({ name: `${i}.png`, data: Buffer.from("x") })), /11 entries/],
  ])("refuses %s", (_, entries, message) => {
    expect(() => readZipEntries(zip(entries as Entry[]), limits)).toThrow(message);
  });

  it("refuses text and truncated archives", () => {
    expect(() => readZipEntries(Buffer.from("just some text that is long enough"), limits)).toThrow(/not a ZIP/);
    const whole = zip([{ name: "a.png", data: Buffer.from("abc") }]);
    expect(() => readZipEntries(Buffer.concat([whole.subarray(0, 10), whole.subarray(whole.length - 22)]), limits)).toThrow(ZipFormatError);
  });
});
