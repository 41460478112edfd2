// A small ZIP reader for uploaded stimulus sets: reads the central directory of an archive held in
// memory and inflates entries on demand (STORE and DEFLATE, ZIP64 sizes and offsets). Encrypted
// entries, other compression methods, sizes beyond the caller's caps and any inconsistency between
// the local and central headers are refused with a message a researcher can act on. Server only
// (node:zlib); no dependency beyond Node.
import "server-only";
import { crc32, inflateRawSync } from "node:zlib";
import { END_RECORD_MAX_LENGTH, LOCAL_HEADER_LENGTH, localDataStart, readCentralDirectory, readEndOfArchive, readZip64EndRecord, ZIP64_END_RECORD_LENGTH, ZipFormatError } from "@/lib/zip/zip-directory";

export { ZipFormatError };

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

/** The entries of a ZIP archive (in central-directory order). Throws ZipFormatError. */
export function readZipEntries(zip: Buffer, limits: ZipReadLimits): ZipEntryInfo[] {
  const end = readEndOfArchive(zip.subarray(Math.max(0, zip.length - END_RECORD_MAX_LENGTH)));
  if ("zip64EndOffset" in end && end.zip64EndOffset + ZIP64_END_RECORD_LENGTH > zip.length) throw new ZipFormatError("The ZIP archive's ZIP64 record is damaged.");
  const { count, directorySize, directoryOffset } = "zip64EndOffset" in end ? readZip64EndRecord(zip.subarray(end.zip64EndOffset, end.zip64EndOffset + ZIP64_END_RECORD_LENGTH)) : end;
  if (count > limits.maxEntries) throw new ZipFormatError(`The ZIP archive has ${count} entries; at most ${limits.maxEntries} are accepted.`);
  if (directoryOffset + directorySize > zip.length) throw new ZipFormatError("The ZIP archive is truncated (its directory lies beyond the end of the file).");

  let total = 0;
  return readCentralDirectory(zip.subarray(directoryOffset, directoryOffset + directorySize), count).map((entry) => {
    const { name, flags, method, size, compressedSize } = entry;
    const isDirectory = name.endsWith("/");
    if (!isDirectory) {
      if (flags & 0x1) throw new ZipFormatError(`${name} is encrypted; upload an archive without a password.`);
      if (method !== 0 && method !== 8) throw new ZipFormatError(`${name} uses a compression method this server does not read (only stored and deflated entries).`);
      if (size > limits.maxEntryBytes) throw new ZipFormatError(`${name} is ${size} bytes unpacked; at most ${limits.maxEntryBytes} bytes per file are accepted.`);
      total += size;
      if (total > limits.maxTotalBytes) throw new ZipFormatError(`The ZIP archive unpacks to more than ${limits.maxTotalBytes} bytes.`);
    }
    return {
      name,
      isDirectory,
      compressedSize,
      size,
      read() {
        if (entry.localHeaderOffset + LOCAL_HEADER_LENGTH > zip.length) throw new ZipFormatError(`${name}: the archive is damaged (no local header).`);
        const dataStart = localDataStart(zip.subarray(entry.localHeaderOffset, entry.localHeaderOffset + LOCAL_HEADER_LENGTH), entry);
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
        if ((crc32(data) >>> 0) !== entry.crc >>> 0) throw new ZipFormatError(`${name}: the checksum does not match (the archive is damaged).`);
        return data;
      },
    };
  });
}
