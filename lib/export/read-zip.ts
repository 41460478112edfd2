// Reads a ZIP file's central directory (with ZIP64) and the stored entries' bytes, without
// loading the archive: the CLI checks with it that a downloaded export is complete, and tests read
// exports with it. Only what exports use is supported (STORE, no encryption, one disk).
import { open, type FileHandle } from "node:fs/promises";
import { crc32 } from "node:zlib";
import {
  END_RECORD_MAX_LENGTH,
  LOCAL_HEADER_LENGTH,
  localDataStart,
  readCentralDirectory,
  readEndOfArchive,
  readZip64EndRecord,
  ZIP64_END_RECORD_LENGTH,
  ZipFormatError,
  type CentralDirectoryEntry,
} from "@/lib/zip/zip-directory";

export { ZipFormatError };
export type ZipDirectoryEntry = CentralDirectoryEntry;

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
    const tailLength = Math.min(size, END_RECORD_MAX_LENGTH);
    const end = readEndOfArchive(await readAt(handle, size - tailLength, tailLength));
    const location = "zip64EndOffset" in end ? readZip64EndRecord(await readAt(handle, end.zip64EndOffset, ZIP64_END_RECORD_LENGTH)) : end;
    if (location.directoryOffset + location.directorySize > size) throw new ZipFormatError("the central directory lies outside the file");
    const entries = readCentralDirectory(await readAt(handle, location.directoryOffset, location.directorySize), location.count);
    for (const entry of entries) {
      if (entry.localHeaderOffset + LOCAL_HEADER_LENGTH + entry.compressedSize > location.directoryOffset) throw new ZipFormatError(`entry ${entry.name} lies outside the archive`);
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
    const dataStart = localDataStart(await readAt(handle, entry.localHeaderOffset, LOCAL_HEADER_LENGTH), entry);
    const data = await readAt(handle, dataStart, entry.size);
    if (crc32(data) >>> 0 !== entry.crc >>> 0) throw new ZipFormatError(`entry ${entry.name} fails its CRC check`);
    return data;
  } finally {
    await handle.close();
  }
}
