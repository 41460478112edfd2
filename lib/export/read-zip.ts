// Reads a ZIP file's central directory (with ZIP64) and the stored entries' bytes, without
// loading the archive: the CLI checks with it that a downloaded export is complete, and tests read
// exports with it. Only what exports use is supported (STORE, no encryption, one disk).
import { open, type FileHandle } from "node:fs/promises";
import { crc32 } from "node:zlib";

export type ZipDirectoryEntry = { name: string; crc: number; size: number; compressedSize: number; method: number; localHeaderOffset: number };

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZipFormatError";
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead !== length) throw new ZipFormatError("the file ends early");
  return buffer;
}

/** The central directory of the ZIP at `file`; throws ZipFormatError when it is not a complete archive. */
export async function readZipDirectory(file: string): Promise<ZipDirectoryEntry[]> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    if (size < 22) throw new ZipFormatError("too short to be a ZIP archive");
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = await readAt(handle, size - tailLength, tailLength);
    let end = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50 && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
        end = i;
        break;
      }
    }
    if (end < 0) throw new ZipFormatError("no end-of-archive record (the download is incomplete)");
    let count = tail.readUInt16LE(end + 10);
    let centralSize = tail.readUInt32LE(end + 12);
    let centralOffset = tail.readUInt32LE(end + 16);
    if (count === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff) {
      const locatorAt = end - 20;
      if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== 0x07064b50) throw new ZipFormatError("ZIP64 locator missing");
      const zip64EndOffset = Number(tail.readBigUInt64LE(locatorAt + 8));
      const zip64End = await readAt(handle, zip64EndOffset, 56);
      if (zip64End.readUInt32LE(0) !== 0x06064b50) throw new ZipFormatError("ZIP64 end record missing");
      count = Number(zip64End.readBigUInt64LE(32));
      centralSize = Number(zip64End.readBigUInt64LE(40));
      centralOffset = Number(zip64End.readBigUInt64LE(48));
    }
    if (centralOffset + centralSize > size) throw new ZipFormatError("the central directory lies outside the file");
    const central = await readAt(handle, centralOffset, centralSize);
    const entries: ZipDirectoryEntry[] = [];
    let at = 0;
    for (let index = 0; index < count; index++) {
      if (at + 46 > central.length || central.readUInt32LE(at) !== 0x02014b50) throw new ZipFormatError(`central directory entry ${index} is damaged`);
      const method = central.readUInt16LE(at + 10);
      const crc = central.readUInt32LE(at + 16);
      let compressedSize = central.readUInt32LE(at + 20);
      let entrySize = central.readUInt32LE(at + 24);
      const nameLength = central.readUInt16LE(at + 28);
      const extraLength = central.readUInt16LE(at + 30);
      const commentLength = central.readUInt16LE(at + 32);
      let localHeaderOffset = central.readUInt32LE(at + 42);
      const name = central.toString("utf8", at + 46, at + 46 + nameLength);
      // ZIP64 extra field: the 64-bit values of the fields that hold 0xffffffff, in order.
      let extra = at + 46 + nameLength;
      const extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd) {
        const id = central.readUInt16LE(extra);
        const length = central.readUInt16LE(extra + 2);
        if (id === 0x0001) {
          let field = extra + 4;
          if (entrySize === 0xffffffff) {
            entrySize = Number(central.readBigUInt64LE(field));
            field += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(central.readBigUInt64LE(field));
            field += 8;
          }
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(central.readBigUInt64LE(field));
        }
        extra += 4 + length;
      }
      if (localHeaderOffset + 30 + compressedSize > centralOffset) throw new ZipFormatError(`entry ${name} lies outside the archive`);
      entries.push({ name, crc, size: entrySize, compressedSize, method, localHeaderOffset });
      at = extraEnd + commentLength;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

/** The bytes of a stored (uncompressed) entry, checked against its CRC-32. */
export async function readZipEntry(file: string, entry: ZipDirectoryEntry): Promise<Buffer> {
  if (entry.method !== 0) throw new ZipFormatError(`entry ${entry.name} is compressed (method ${entry.method}); exports store entries`);
  const handle = await open(file, "r");
  try {
    const header = await readAt(handle, entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== 0x04034b50) throw new ZipFormatError(`no local header for ${entry.name}`);
    const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const data = await readAt(handle, dataStart, entry.size);
    if (crc32(data) >>> 0 !== entry.crc >>> 0) throw new ZipFormatError(`entry ${entry.name} fails its CRC check`);
    return data;
  } finally {
    await handle.close();
  }
}
