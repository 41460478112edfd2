// Reading a ZIP archive's directory: the end-of-archive record (with ZIP64), the central directory
// entries, and where an entry's data begins after its local header. Pure (Buffers in, plain
// objects out), shared by the file reader of exports (lib/export/read-zip.ts) and the in-memory
// reader of uploaded stimulus sets (lib/studies/read-zip-entries.ts). Throws ZipFormatError.

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZipFormatError";
  }
}

const END_SIGNATURE = 0x06054b50;
const ZIP64_END_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_END_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** The end-of-archive record is 22 bytes plus a comment of at most 65 535: the tail to read. */
export const END_RECORD_MAX_LENGTH = 22 + 0xffff;
export const ZIP64_END_RECORD_LENGTH = 56;
export const LOCAL_HEADER_LENGTH = 30;

export type DirectoryLocation = { count: number; directorySize: number; directoryOffset: number };

function readSafeInteger(buffer: Buffer, at: number): number {
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError("The ZIP archive has an impossible size or offset.");
  return Number(value);
}

/**
 * Finds the end-of-archive record in `tail`, the archive's last bytes (its comment must reach
 * exactly the end, so a cut-off archive is not mistaken for a whole one). Returns where the central
 * directory is, or, for a ZIP64 archive, the file offset of its ZIP64 end record to read next.
 */
export function readEndOfArchive(tail: Buffer): DirectoryLocation | { zip64EndOffset: number } {
  if (tail.length < 22) throw new ZipFormatError("The file is not a ZIP archive (too short).");
  for (let at = tail.length - 22; at >= 0; at--) {
    if (tail.readUInt32LE(at) !== END_SIGNATURE || at + 22 + tail.readUInt16LE(at + 20) !== tail.length) continue;
    const location = { count: tail.readUInt16LE(at + 10), directorySize: tail.readUInt32LE(at + 12), directoryOffset: tail.readUInt32LE(at + 16) };
    const saturated = location.count === 0xffff || location.directorySize === 0xffffffff || location.directoryOffset === 0xffffffff;
    if (saturated && at >= 20 && tail.readUInt32LE(at - 20) === ZIP64_END_LOCATOR_SIGNATURE) return { zip64EndOffset: readSafeInteger(tail, at - 20 + 8) };
    return location;
  }
  throw new ZipFormatError("The file is not a ZIP archive, or not all of it (no end-of-archive record).");
}

/** The central directory's location from a ZIP64 end record (ZIP64_END_RECORD_LENGTH bytes). */
export function readZip64EndRecord(record: Buffer): DirectoryLocation {
  if (record.length < ZIP64_END_RECORD_LENGTH || record.readUInt32LE(0) !== ZIP64_END_SIGNATURE) throw new ZipFormatError("The ZIP archive's ZIP64 record is damaged.");
  return { count: readSafeInteger(record, 32), directorySize: readSafeInteger(record, 40), directoryOffset: readSafeInteger(record, 48) };
}

export type CentralDirectoryEntry = {
  /** "/"-separated; directories end with "/". UTF-8 when the entry says so, else CP437 read as Latin-1. */
  name: string;
  flags: number;
  /** 0 stored, 8 deflated. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
};

/** The `count` entries of the central directory held in `directory`, with their ZIP64 values. */
export function readCentralDirectory(directory: Buffer, count: number): CentralDirectoryEntry[] {
  const entries: CentralDirectoryEntry[] = [];
  let at = 0;
  for (let index = 0; index < count; index++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new ZipFormatError("The ZIP archive's directory is damaged.");
    const flags = directory.readUInt16LE(at + 8);
    let compressedSize = directory.readUInt32LE(at + 20);
    let size = directory.readUInt32LE(at + 24);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    let localHeaderOffset = directory.readUInt32LE(at + 42);
    const nameBytes = directory.subarray(at + 46, at + 46 + nameLength);
    const name = (flags & 0x800 ? nameBytes.toString("utf8") : nameBytes.toString("latin1")).replace(/\\/g, "/");
    // ZIP64 extra field: the 64-bit values of the fields that hold 0xffffffff, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = directory.readUInt16LE(extra);
      const length = directory.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        if (size === 0xffffffff) {
          size = readSafeInteger(directory, field);
          field += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = readSafeInteger(directory, field);
          field += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = readSafeInteger(directory, field);
      }
      extra += 4 + length;
    }
    entries.push({ name, flags, method: directory.readUInt16LE(at + 10), crc: directory.readUInt32LE(at + 16), compressedSize, size, localHeaderOffset });
    at = extraEnd + commentLength;
  }
  return entries;
}

/** Where the entry's data begins, from its local header (LOCAL_HEADER_LENGTH bytes read at localHeaderOffset). */
export function localDataStart(header: Buffer, entry: Pick<CentralDirectoryEntry, "name" | "localHeaderOffset">): number {
  if (header.length < LOCAL_HEADER_LENGTH || header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new ZipFormatError(`${entry.name}: the archive is damaged (no local header).`);
  return entry.localHeaderOffset + LOCAL_HEADER_LENGTH + header.readUInt16LE(26) + header.readUInt16LE(28);
}
