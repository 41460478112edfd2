// A small ZIP reader for uploaded stimulus sets: reads the central directory of an archive held in
// memory and inflates entries on demand (STORE and DEFLATE, ZIP64 sizes and offsets). Encrypted
// entries, other compression methods, sizes beyond the caller's caps and any inconsistency between
// the local and central headers are refused with a message a researcher can act on. Server only
// (node:zlib); no dependency beyond Node.
import "server-only";
import { crc32, inflateRawSync } from "node:zlib";

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZipFormatError";
  }
}

export type ZipEntryInfo = {
  /** Path inside the archive ("/"-separated; directories end with "/"). */
  name: string;
  isDirectory: boolean;
  compressedSize: number;
  size: number;
  /** Reads and inflates the entry, checking its CRC-32 and size. */
  read(): Buffer;
};

export type ZipReadLimits = { maxEntries: number; maxEntryBytes: number; maxTotalBytes: number };

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_EOCD_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535 bytes.
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  for (let at = zip.length - 22; at >= lowest; at--) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE) return at;
  }
  throw new ZipFormatError("The file is not a ZIP archive (no end-of-central-directory record).");
}

function readBig(zip: Buffer, at: number): number {
  const value = zip.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError("The ZIP archive has an impossible size or offset.");
  return Number(value);
}

/** The entries of a ZIP archive (in central-directory order). Throws ZipFormatError. */
export function readZipEntries(zip: Buffer, limits: ZipReadLimits): ZipEntryInfo[] {
  if (zip.length < 22) throw new ZipFormatError("The file is not a ZIP archive (too short).");
  const eocd = findEndOfCentralDirectory(zip);
  let count = zip.readUInt16LE(eocd + 10);
  let directorySize = zip.readUInt32LE(eocd + 12);
  let directoryOffset = zip.readUInt32LE(eocd + 16);
  if ((count === 0xffff || directoryOffset === 0xffffffff) && eocd >= 20 && zip.readUInt32LE(eocd - 20) === ZIP64_EOCD_LOCATOR) {
    const record = readBig(zip, eocd - 20 + 8);
    if (record + 56 > zip.length || zip.readUInt32LE(record) !== ZIP64_EOCD) throw new ZipFormatError("The ZIP archive's ZIP64 record is damaged.");
    count = readBig(zip, record + 32);
    directorySize = readBig(zip, record + 40);
    directoryOffset = readBig(zip, record + 48);
  }
  if (count > limits.maxEntries) throw new ZipFormatError(`The ZIP archive has ${count} entries; at most ${limits.maxEntries} are accepted.`);
  if (directoryOffset + directorySize > zip.length) throw new ZipFormatError("The ZIP archive is truncated (its directory lies beyond the end of the file).");

  const entries: ZipEntryInfo[] = [];
  let total = 0;
  let at = directoryOffset;
  for (let index = 0; index < count; index++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new ZipFormatError("The ZIP archive's directory is damaged.");
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    let compressedSize = zip.readUInt32LE(at + 20);
    let size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    let localOffset = zip.readUInt32LE(at + 42);
    const nameBytes = zip.subarray(at + 46, at + 46 + nameLength);
    const name = (flags & 0x800 ? nameBytes.toString("utf8") : nameBytes.toString("latin1")).replace(/\\/g, "/");
    // ZIP64 extra field: the 64-bit values present are those whose 32-bit fields are saturated, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = zip.readUInt16LE(extra);
      const length = zip.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        if (size === 0xffffffff) {
          size = readBig(zip, field);
          field += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = readBig(zip, field);
          field += 8;
        }
        if (localOffset === 0xffffffff) localOffset = readBig(zip, field);
      }
      extra += 4 + length;
    }
    at = extraEnd + commentLength;

    const isDirectory = name.endsWith("/");
    if (!isDirectory) {
      if (flags & 0x1) throw new ZipFormatError(`${name} is encrypted; upload an archive without a password.`);
      if (method !== 0 && method !== 8) throw new ZipFormatError(`${name} uses a compression method this server does not read (only stored and deflated entries).`);
      if (size > limits.maxEntryBytes) throw new ZipFormatError(`${name} is ${size} bytes unpacked; at most ${limits.maxEntryBytes} bytes per file are accepted.`);
      total += size;
      if (total > limits.maxTotalBytes) throw new ZipFormatError(`The ZIP archive unpacks to more than ${limits.maxTotalBytes} bytes.`);
    }
    entries.push({
      name,
      isDirectory,
      compressedSize,
      size,
      read() {
        if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) throw new ZipFormatError(`${name}: the archive is damaged (no local header).`);
        const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
        if (dataStart + compressedSize > zip.length) throw new ZipFormatError(`${name}: the archive is truncated.`);
        const raw = zip.subarray(dataStart, dataStart + compressedSize);
        let data: Buffer;
        if (method === 0) data = Buffer.from(raw);
        else {
          try {
            // maxOutputLength caps a lying size field (a deflate bomb stops at the declared size + 1).
            data = inflateRawSync(raw, { maxOutputLength: Math.max(1, size + 1) });
          } catch {
            throw new ZipFormatError(`${name}: the compressed data is damaged.`);
          }
        }
        if (data.length !== size) throw new ZipFormatError(`${name}: unpacked ${data.length} bytes where the archive says ${size}.`);
        if ((crc32(data) >>> 0) !== crc) throw new ZipFormatError(`${name}: the checksum does not match (the archive is damaged).`);
        return data;
      },
    });
  }
  return entries;
}
