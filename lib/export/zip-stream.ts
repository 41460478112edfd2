// A streaming ZIP writer for dataset exports: entries are pulled one at a time and written as they
// arrive (STORE method: photos are already compressed and must leave byte-identical), so memory
// stays constant whatever the archive's size. Entries whose bytes stream in use a data descriptor
// (CRC and sizes after the data); ZIP64 records are written when sizes, offsets or the entry count
// outgrow the classic format. Readers that use the central directory (Python's zipfile, unzip,
// Hugging Face datasets, 7-Zip) read it directly. Entries may hand the writer buffers they reuse
// (it reads them before asking for more), and the send assembler copies every byte into pieces of
// its own: what leaves the writer never shares memory with a reused buffer.
import "server-only";
import { crc32 } from "node:zlib";

export type ZipEntry = {
  /** Path inside the archive, "/"-separated, UTF-8. */
  name: string;
  /**
   * Small content known up front, or a stream of chunks for large content. Bytes (whole or as a
   * chunk) may sit in a buffer their producer reuses: the writer reads them only until it asks the
   * producer for the next chunk or entry.
   */
  data: Uint8Array | string | (() => AsyncIterable<Uint8Array>);
  modifiedAt?: Date;
};

type EntryRecord = { name: Uint8Array; crc: number; size: number; offset: number; dosTime: number; dosDate: number; zip64: boolean };

const UINT32_MAX = 0xffffffff;
const encoder = new TextEncoder();

function dosDateTime(date: Date): { dosTime: number; dosDate: number } {
  const year = Math.max(1980, Math.min(2107, date.getUTCFullYear()));
  return {
    dosTime: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    dosDate: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/**
 * Writes little-endian records into one scratch buffer reused for every header: a header yielded
 * by generateZip is read by its consumer before the writer is resumed (see generateZip).
 */
class ByteWriter {
  private buffer = new Uint8Array(512);
  private view = new DataView(this.buffer.buffer);
  private offset = 0;
  /** Starts a record of `size` bytes. */
  begin(size: number) {
    if (size > this.buffer.length) {
      this.buffer = new Uint8Array(size);
      this.view = new DataView(this.buffer.buffer);
    }
    this.offset = 0;
    return this;
  }
  /** The record written since begin(). */
  get bytes(): Uint8Array {
    return this.buffer.subarray(0, this.offset);
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
    this.buffer.set(bytes, this.offset);
    this.offset += bytes.length;
    return this;
  }
}

const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;

function localHeader(w: ByteWriter, name: Uint8Array, flags: number, dos: { dosTime: number; dosDate: number }, crc: number, size: number, zip64: boolean): Uint8Array {
  const extraLength = zip64 ? 20 : 0;
  w.begin(30 + name.length + extraLength);
  w.u32(0x04034b50).u16(zip64 ? 45 : 20).u16(flags).u16(0).u16(dos.dosTime).u16(dos.dosDate).u32(crc);
  w.u32(zip64 ? UINT32_MAX : size).u32(zip64 ? UINT32_MAX : size).u16(name.length).u16(extraLength).raw(name);
  if (zip64) w.u16(0x0001).u16(16).u64(size).u64(size);
  return w.bytes;
}

function dataDescriptor(w: ByteWriter, crc: number, size: number, zip64: boolean): Uint8Array {
  w.begin(zip64 ? 24 : 16);
  w.u32(0x08074b50).u32(crc);
  if (zip64) w.u64(size).u64(size);
  else w.u32(size).u32(size);
  return w.bytes;
}

function centralHeader(w: ByteWriter, record: EntryRecord, flags: number): Uint8Array {
  const needs64 = record.zip64 || record.size >= UINT32_MAX || record.offset >= UINT32_MAX;
  const extraLength = needs64 ? 28 : 0;
  w.begin(46 + record.name.length + extraLength);
  w.u32(0x02014b50).u16((3 << 8) | 45).u16(needs64 ? 45 : 20).u16(flags).u16(0).u16(record.dosTime).u16(record.dosDate).u32(record.crc);
  w.u32(needs64 ? UINT32_MAX : record.size).u32(needs64 ? UINT32_MAX : record.size);
  w.u16(record.name.length).u16(extraLength).u16(0).u16(0).u16(0);
  w.u32((0o100644 << 16) >>> 0).u32(needs64 ? UINT32_MAX : record.offset).raw(record.name);
  if (needs64) w.u16(0x0001).u16(24).u64(record.size).u64(record.size).u64(record.offset);
  return w.bytes;
}

function endOfArchive(w: ByteWriter, count: number, centralSize: number, centralOffset: number, forceZip64: boolean): Uint8Array {
  const needs64 = forceZip64 || count >= 0xffff || centralSize >= UINT32_MAX || centralOffset >= UINT32_MAX;
  w.begin((needs64 ? 56 + 20 : 0) + 22);
  if (needs64) {
    w.u32(0x06064b50).u64(44).u16((3 << 8) | 45).u16(45).u32(0).u32(0).u64(count).u64(count).u64(centralSize).u64(centralOffset);
    w.u32(0x07064b50).u32(0).u64(centralOffset + centralSize).u32(1);
  }
  w.u32(0x06054b50).u16(0).u16(0);
  w.u16(needs64 ? 0xffff : count).u16(needs64 ? 0xffff : count);
  w.u32(needs64 ? UINT32_MAX : centralSize).u32(needs64 ? UINT32_MAX : centralOffset).u16(0);
  return w.bytes;
}

/**
 * The central directory, encoded as each entry ends into blocks of bytes: one record per entry
 * kept as a few hundred bytes in a shared block rather than as objects that live until the end.
 */
class CentralDirectory {
  private static readonly BLOCK = 64 * 1024;
  private readonly blocks: Uint8Array[] = [];
  private used = CentralDirectory.BLOCK;
  count = 0;
  size = 0;

  append(header: Uint8Array) {
    for (let offset = 0; offset < header.length; ) {
      if (this.used === CentralDirectory.BLOCK) {
        this.blocks.push(new Uint8Array(CentralDirectory.BLOCK));
        this.used = 0;
      }
      const n = Math.min(CentralDirectory.BLOCK - this.used, header.length - offset);
      this.blocks[this.blocks.length - 1]!.set(header.subarray(offset, offset + n), this.used);
      this.used += n;
      offset += n;
    }
    this.count++;
    this.size += header.length;
  }

  *chunks(): Generator<Uint8Array> {
    for (const [index, block] of this.blocks.entries()) yield index === this.blocks.length - 1 ? block.subarray(0, this.used) : block;
  }
}

export type ZipStreamOptions = {
  /** Write ZIP64 records even for small archives (tests; readers that expect them). */
  forceZip64?: boolean;
  /** zipReadableStream only: the size of the pieces the archive is sent in (the first goes out at once). */
  sendChunkBytes?: number;
};

/**
 * Yields the bytes of a ZIP archive of `entries`, pulling each entry only when the previous one is
 * written. A yielded chunk is valid only until the next call to next(): it may be an entry's
 * reused buffer or the writer's header scratch, so a consumer copies it (or is done with it) first.
 */
export async function* generateZip(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>, options: ZipStreamOptions = {}): AsyncGenerator<Uint8Array> {
  const directory = new CentralDirectory();
  const seen = new Set<string>();
  const header = new ByteWriter();
  const central = new ByteWriter();
  let offset = 0;
  for await (const entry of entries) {
    if (seen.has(entry.name)) throw new Error(`duplicate ZIP entry name: ${entry.name}`);
    seen.add(entry.name);
    const name = encoder.encode(entry.name);
    const dos = dosDateTime(entry.modifiedAt ?? new Date(0));
    const start = offset;
    let record: EntryRecord;
    if (typeof entry.data === "function") {
      // Size unknown up front: ZIP64 local extra reserved when forced; sizes follow in the descriptor.
      const zip64 = options.forceZip64 ?? false;
      const local = localHeader(header, name, FLAG_UTF8 | FLAG_DATA_DESCRIPTOR, dos, 0, 0, zip64);
      offset += local.length;
      yield local;
      let crc = 0;
      let size = 0;
      for await (const chunk of entry.data()) {
        if (chunk.length === 0) continue;
        crc = crc32(chunk, crc);
        size += chunk.length;
        yield chunk;
      }
      // Past 4 GiB the descriptor must carry 64-bit sizes.
      const descriptor = dataDescriptor(header, crc, size, zip64 || size >= UINT32_MAX);
      offset += size + descriptor.length;
      yield descriptor;
      record = { name, crc, size, offset: start, ...dos, zip64: zip64 || size >= UINT32_MAX };
    } else {
      const bytes = typeof entry.data === "string" ? encoder.encode(entry.data) : entry.data;
      const crc = crc32(bytes);
      const zip64 = options.forceZip64 ?? false;
      const local = localHeader(header, name, FLAG_UTF8, dos, crc, bytes.length, zip64);
      offset += local.length + bytes.length;
      yield local;
      if (bytes.length > 0) yield bytes;
      record = { name, crc, size: bytes.length, offset: start, ...dos, zip64 };
    }
    directory.append(centralHeader(central, record, FLAG_UTF8));
  }
  const centralOffset = offset;
  yield* directory.chunks();
  yield endOfArchive(header, directory.count, directory.size, centralOffset, options.forceZip64 ?? false);
}

/** Pieces the archive is sent in: each costs the HTTP layers about the same, so fewer, larger ones send faster. */
export const SEND_CHUNK_BYTES = 512 * 1024;

/**
 * Copies the chunks of generateZip (valid only until the next one is asked for) into pieces of
 * `size` bytes that belong to whoever receives them: a fresh buffer each, never written again, so
 * a consumer may keep them as long as it likes. The first chunk goes out at once, so a download
 * starts as soon as the archive does.
 */
export async function* assembleChunks(chunks: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let piece: Buffer | undefined;
  let used = 0;
  let isFirst = true;
  for await (const chunk of chunks) {
    if (isFirst) {
      isFirst = false;
      yield new Uint8Array(chunk);
      continue;
    }
    for (let offset = 0; offset < chunk.length; ) {
      // Unzeroed: every byte of a piece is written before it is handed out.
      piece ??= Buffer.allocUnsafeSlow(size);
      const n = Math.min(size - used, chunk.length - offset);
      piece.set(chunk.subarray(offset, offset + n), used);
      used += n;
      offset += n;
      if (used === size) {
        const full = piece;
        piece = undefined;
        used = 0;
        yield full;
      }
    }
  }
  // The last piece is copied to its length: no unwritten bytes behind the view.
  if (piece && used > 0) yield new Uint8Array(piece.subarray(0, used));
}

/** The archive as a web ReadableStream (pull-based: nothing is produced faster than it is read). */
export function zipReadableStream(entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>, options: ZipStreamOptions = {}): ReadableStream<Uint8Array> {
  const iterator = assembleChunks(generateZip(entries, options), options.sendChunkBytes ?? SEND_CHUNK_BYTES);
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
