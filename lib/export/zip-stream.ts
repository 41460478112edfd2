// A streaming ZIP writer for dataset exports: entries are pulled one at a time and written as they
// arrive (STORE method: photos are already compressed and must leave byte-identical), so memory
// stays constant whatever the archive's size. Entries whose bytes stream in use a data descriptor
// (CRC and sizes after the data); ZIP64 records are written when sizes, offsets or the entry count
// outgrow the classic format. Readers that use the central directory (Python's zipfile, unzip,
// Hugging Face datasets, 7-Zip) read it directly.
import "server-only";
import { crc32 } from "node:zlib";

export type ZipEntry = {
  /** Path inside the archive, "/"-separated, UTF-8. */
  name: string;
  /** Small content known up front, or a stream of chunks for large content. */
  data: Uint8Array | string | (() => AsyncIterable<Uint8Array>);
  modifiedAt?: Date;
};

type CentralRecord = { name: Uint8Array; crc: number; size: number; offset: number; dosTime: number; dosDate: number; zip64: boolean };

const UINT32_MAX = 0xffffffff;
const encoder = new TextEncoder();

function dosDateTime(date: Date): { dosTime: number; dosDate: number } {
  const year = Math.max(1980, Math.min(2107, date.getUTCFullYear()));
  return {
    dosTime: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    dosDate: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

class ByteWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private offset = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u16(value: number) {
    this.view.setUint16(this.offset, value, true);
    this.offset += 2;
    return this;
  }
  u32(value: number) {
    this.view.setUint32(this.offset, value >>> 0, true);
    this.offset += 4;
    return this;
  }
  u64(value: number) {
    this.view.setBigUint64(this.offset, BigInt(value), true);
    this.offset += 8;
    return this;
  }
  raw(bytes: Uint8Array) {
    this.bytes.set(bytes, this.offset);
    this.offset += bytes.length;
    return this;
  }
}

const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;

function localHeader(name: Uint8Array, flags: number, dos: { dosTime: number; dosDate: number }, crc: number, size: number, zip64: boolean): Uint8Array {
  const extraLength = zip64 ? 20 : 0;
  const w = new ByteWriter(30 + name.length + extraLength);
  w.u32(0x04034b50).u16(zip64 ? 45 : 20).u16(flags).u16(0).u16(dos.dosTime).u16(dos.dosDate).u32(crc);
  w.u32(zip64 ? UINT32_MAX : size).u32(zip64 ? UINT32_MAX : size).u16(name.length).u16(extraLength).raw(name);
  if (zip64) w.u16(0x0001).u16(16).u64(size).u64(size);
  return w.bytes;
}

function dataDescriptor(crc: number, size: number, zip64: boolean): Uint8Array {
  const w = new ByteWriter(zip64 ? 24 : 16);
  w.u32(0x08074b50).u32(crc);
  if (zip64) w.u64(size).u64(size);
  else w.u32(size).u32(size);
  return w.bytes;
}

function centralHeader(record: CentralRecord, flags: number): Uint8Array {
  const needs64 = record.zip64 || record.size >= UINT32_MAX || record.offset >= UINT32_MAX;
  const extraLength = needs64 ? 28 : 0;
  const w = new ByteWriter(46 + record.name.length + extraLength);
  w.u32(0x02014b50).u16((3 << 8) | 45).u16(needs64 ? 45 : 20).u16(flags).u16(0).u16(record.dosTime).u16(record.dosDate).u32(record.crc);
  w.u32(needs64 ? UINT32_MAX : record.size).u32(needs64 ? UINT32_MAX : record.size);
  w.u16(record.name.length).u16(extraLength).u16(0).u16(0).u16(0);
  w.u32((0o100644 << 16) >>> 0).u32(needs64 ? UINT32_MAX : record.offset).raw(record.name);
  if (needs64) w.u16(0x0001).u16(24).u64(record.size).u64(record.size).u64(record.offset);
  return w.bytes;
}

function endOfArchive(count: number, centralSize: number, centralOffset: number, forceZip64: boolean): Uint8Array {
  const needs64 = forceZip64 || count >= 0xffff || centralSize >= UINT32_MAX || centralOffset >= UINT32_MAX;
  const parts: Uint8Array[] = [];
  if (needs64) {
    const zip64End = new ByteWriter(56);
    zip64End.u32(0x06064b50).u64(44).u16((3 << 8) | 45).u16(45).u32(0).u32(0).u64(count).u64(count).u64(centralSize).u64(centralOffset);
    const locator = new ByteWriter(20);
    locator.u32(0x07064b50).u32(0).u64(centralOffset + centralSize).u32(1);
    parts.push(zip64End.bytes, locator.bytes);
  }
  const end = new ByteWriter(22);
  end.u32(0x06054b50).u16(0).u16(0);
  end.u16(needs64 ? 0xffff : count).u16(needs64 ? 0xffff : count);
  end.u32(needs64 ? UINT32_MAX : centralSize).u32(needs64 ? UINT32_MAX : centralOffset).u16(0);
  parts.push(end.bytes);
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export type ZipStreamOptions = {
  /** Write ZIP64 records even for small archives (tests; readers that expect them). */
  forceZip64?: boolean;
  /** zipReadableStream only: gather chunks into pieces of about this many bytes (the first goes out at once). */
  coalesceBytes?: number;
};

/** Yields the bytes of a ZIP archive of `entries`, pulling each entry only when the previous one is written. */
export async function* generateZip(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>, options: ZipStreamOptions = {}): AsyncGenerator<Uint8Array> {
  const records: CentralRecord[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for await (const entry of entries) {
    if (seen.has(entry.name)) throw new Error(`duplicate ZIP entry name: ${entry.name}`);
    seen.add(entry.name);
    const name = encoder.encode(entry.name);
    const dos = dosDateTime(entry.modifiedAt ?? new Date(0));
    const start = offset;
    if (typeof entry.data === "function") {
      // Size unknown up front: ZIP64 local extra reserved when forced; sizes follow in the descriptor.
      const zip64 = options.forceZip64 ?? false;
      const header = localHeader(name, FLAG_UTF8 | FLAG_DATA_DESCRIPTOR, dos, 0, 0, zip64);
      yield header;
      offset += header.length;
      let crc = 0;
      let size = 0;
      for await (const chunk of entry.data()) {
        if (chunk.length === 0) continue;
        crc = crc32(chunk, crc);
        size += chunk.length;
        yield chunk;
      }
      // Past 4 GiB the descriptor must carry 64-bit sizes.
      const descriptor = dataDescriptor(crc, size, zip64 || size >= UINT32_MAX);
      yield descriptor;
      offset += size + descriptor.length;
      records.push({ name, crc, size, offset: start, ...dos, zip64: zip64 || size >= UINT32_MAX });
    } else {
      const bytes = typeof entry.data === "string" ? encoder.encode(entry.data) : entry.data;
      const crc = crc32(bytes);
      const zip64 = options.forceZip64 ?? false;
      const header = localHeader(name, FLAG_UTF8, dos, crc, bytes.length, zip64);
      yield header;
      if (bytes.length > 0) yield bytes;
      offset += header.length + bytes.length;
      records.push({ name, crc, size: bytes.length, offset: start, ...dos, zip64 });
    }
  }
  const centralOffset = offset;
  let centralSize = 0;
  for (const record of records) {
    const header = centralHeader(record, FLAG_UTF8);
    centralSize += header.length;
    yield header;
  }
  yield endOfArchive(records.length, centralSize, centralOffset, options.forceZip64 ?? false);
}

/**
 * Gathers small chunks (headers, 64 KB file reads) into pieces of about `size` bytes; the first
 * chunk goes out at once, so a download starts as soon as the archive does.
 */
export async function* coalesceChunks(chunks: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let parts: Uint8Array[] = [];
  let buffered = 0;
  let isFirst = true;
  for await (const chunk of chunks) {
    if (isFirst) {
      isFirst = false;
      yield chunk;
      continue;
    }
    parts.push(chunk);
    buffered += chunk.length;
    if (buffered >= size) {
      yield parts.length === 1 ? parts[0]! : concat(parts);
      parts = [];
      buffered = 0;
    }
  }
  if (buffered > 0) yield parts.length === 1 ? parts[0]! : concat(parts);
}

/** The archive as a web ReadableStream (pull-based: nothing is produced faster than it is read). */
export function zipReadableStream(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>, options: ZipStreamOptions = {}): ReadableStream<Uint8Array> {
  const zip = generateZip(entries, options);
  const iterator = options.coalesceBytes ? coalesceChunks(zip, options.coalesceBytes) : zip;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await iterator.return(undefined);
      },
    },
    // Nothing is read ahead of the consumer: the archive is built only as fast as it is taken.
    { highWaterMark: 0 },
  );
}
