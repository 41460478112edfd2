// Blob store on the local filesystem under DATA_DIR/blobs: blobs/ab/cd/<sha256>. Each put streams
// into blobs/.tmp/<unique name> while hashing, fsyncs the file, renames it into place and fsyncs the
// directory, so a crash leaves either the complete blob or a temporary file (removed by cleanup).
import { createHash, randomBytes } from "node:crypto";
import { close, createReadStream, fsync, open as openFd, rename as renameFile, stat as statFile, writev, type Stats } from "node:fs";
import { mkdir, open, readdir, readFile, rm, stat, unlink, utimes } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { Readable } from "node:stream";
import { BlobNotFoundError, BlobTooLargeError, isValidBlobKey, type BlobInfo, type BlobReader, type BlobSource, type BlobStore, type PutOptions, type StoredBlob } from "./blob-store";

const TEMP_DIR = ".tmp";
/** Small chunks are gathered into writes of about this size (one thread-pool round trip each). */
const WRITE_BATCH_BYTES = 256 * 1024;
/** …or of this many chunks (a writev's list of buffers stays short). */
const MAX_BATCH_CHUNKS = 256;

function toAsyncIterable(source: BlobSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) {
    return (async function* () {
      yield source;
    })();
  }
  if (typeof (source as ReadableStream).getReader === "function") return Readable.fromWeb(source as import("node:stream/web").ReadableStream<Uint8Array>);
  return source as AsyncIterable<Uint8Array>;
}

// The write path (put) works on plain file descriptors through fs's callback functions: each
// FileHandle call of fs/promises costs the main thread more (a handle object with its own close
// bookkeeping, several promises per call), and a photo upload makes nine of these calls.
const fdOpen = promisify(openFd);
const fdSync = promisify(fsync);
const fdClose = promisify(close);
const fdWritev = promisify(writev);
const renameTo = promisify(renameFile);
const statOrNull = (file: string): Promise<Stats | null> => promisify(statFile)(file).catch(() => null);

/** `read` of a blob's file, with a missing file reported as BlobNotFoundError. */
async function readingBlob<T>(key: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new BlobNotFoundError(key);
    throw error;
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const fd = await fdOpen(dir, "r");
  try {
    await fdSync(fd);
  } finally {
    await fdClose(fd);
  }
}

/** Temporary names: unique within this process by a counter, across processes by a random prefix ("wx" refuses a clash anyway). */
const TEMP_PREFIX = `${Date.now()}-${randomBytes(6).toString("hex")}`;
let tempCounter = 0;

/** A file opened for positioned reads into the caller's buffers (blobs, and any local file read the same way). */
export async function openFileReader(file: string): Promise<BlobReader> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    return { size, read: async (into, position) => (await handle.read(into, 0, into.length, position)).bytesRead, close: () => handle.close() };
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

export class LocalBlobStore implements BlobStore {
  private readonly tempDir: string;
  private ready: Promise<void> | undefined;
  /** Shard folders known to exist (saves a mkdir per put). */
  private readonly knownDirectories = new Set<string>();

  constructor(readonly root: string) {
    this.tempDir = path.join(root, TEMP_DIR);
  }

  private ensureDirectories(): Promise<void> {
    this.ready ??= mkdir(this.tempDir, { recursive: true }).then(() => undefined);
    return this.ready;
  }

  /** Where a key lives; exported for tests and tools that inspect the folder. */
  pathOf(key: string): string {
    if (!isValidBlobKey(key)) throw new BlobNotFoundError(key);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(source: BlobSource, options: PutOptions = {}): Promise<StoredBlob> {
    await this.ensureDirectories();
    const tempPath = path.join(this.tempDir, `${TEMP_PREFIX}-${(tempCounter++).toString(36)}`);
    const fd = await fdOpen(tempPath, "wx");
    const hash = createHash("sha256");
    let size = 0;
    let closed = false;
    try {
      let pending: Uint8Array[] = [];
      let pendingBytes = 0;
      // One writev per batch: the chunks go to the file as they are, without being copied into one buffer first.
      const flush = async () => {
        if (pendingBytes === 0) return;
        const chunks = pending;
        pending = [];
        pendingBytes = 0;
        let first = 0;
        while (first < chunks.length) {
          let { bytesWritten } = await fdWritev(fd, first === 0 ? chunks : chunks.slice(first));
          // A short write: skip what was written, go on with the rest.
          while (first < chunks.length && bytesWritten >= chunks[first]!.byteLength) bytesWritten -= chunks[first++]!.byteLength;
          if (bytesWritten > 0) chunks[first] = chunks[first]!.subarray(bytesWritten);
        }
      };
      for await (const chunk of toAsyncIterable(source)) {
        options.signal?.throwIfAborted();
        size += chunk.byteLength;
        if (options.maxBytes !== undefined && size > options.maxBytes) throw new BlobTooLargeError(options.maxBytes);
        hash.update(chunk);
        pending.push(chunk);
        pendingBytes += chunk.byteLength;
        if (pendingBytes >= WRITE_BATCH_BYTES || pending.length >= MAX_BATCH_CHUNKS) await flush();
      }
      await flush();
      options.signal?.throwIfAborted();
      await fdSync(fd);
      // Marked closed before closing: a descriptor whose close failed must not be closed again (its number may be reused).
      closed = true;
      await fdClose(fd);
      const sha256 = hash.digest("hex");
      const finalPath = this.pathOf(sha256);
      const existing = await statOrNull(finalPath);
      if (existing && existing.size === size) {
        await unlink(tempPath);
        // Fresh mtime: the orphan collector's grace period counts from the latest put.
        const now = new Date();
        await utimes(finalPath, now, now).catch(() => {});
        return { key: sha256, sha256, size, created: false };
      }
      const folder = path.dirname(finalPath);
      if (!this.knownDirectories.has(folder)) {
        await mkdir(folder, { recursive: true });
        this.knownDirectories.add(folder);
      }
      try {
        await renameTo(tempPath, finalPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        // The shard folder was removed behind our back: make it again.
        this.knownDirectories.delete(folder);
        await mkdir(folder, { recursive: true });
        await renameTo(tempPath, finalPath);
      }
      await fsyncDirectory(folder);
      return { key: sha256, sha256, size, created: true };
    } catch (error) {
      if (!closed) await fdClose(fd).catch(() => {});
      await rm(tempPath, { force: true });
      throw error;
    }
  }

  get(key: string): Promise<Buffer> {
    return readingBlob(key, () => readFile(this.pathOf(key)));
  }

  open(key: string): Promise<BlobReader> {
    return readingBlob(key, () => openFileReader(this.pathOf(key)));
  }

  async stream(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const file = this.pathOf(key);
    const info = await stat(file).catch(() => null);
    if (!info) throw new BlobNotFoundError(key);
    return createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string): Promise<BlobInfo | null> {
    if (!isValidBlobKey(key)) return null;
    const info = await stat(this.pathOf(key)).catch(() => null);
    return info ? { key, size: info.size, modifiedAt: info.mtime } : null;
  }

  async delete(key: string): Promise<boolean> {
    if (!isValidBlobKey(key)) return false;
    try {
      await unlink(this.pathOf(key));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }

  async *list(): AsyncIterable<BlobInfo> {
    const level1 = await readdir(this.root).catch(() => [] as string[]);
    for (const a of level1.sort()) {
      if (!/^[0-9a-f]{2}$/.test(a)) continue;
      for (const b of (await readdir(path.join(this.root, a)).catch(() => [] as string[])).sort()) {
        if (!/^[0-9a-f]{2}$/.test(b)) continue;
        for (const name of (await readdir(path.join(this.root, a, b)).catch(() => [] as string[])).sort()) {
          if (!isValidBlobKey(name)) continue;
          const info = await stat(path.join(this.root, a, b, name)).catch(() => null);
          if (info?.isFile()) yield { key: name, size: info.size, modifiedAt: info.mtime };
        }
      }
    }
  }

  async removeStaleTemporaryFiles(olderThanMs: number): Promise<number> {
    const names = await readdir(this.tempDir).catch(() => [] as string[]);
    let removed = 0;
    const cutoff = Date.now() - olderThanMs;
    for (const name of names) {
      const file = path.join(this.tempDir, name);
      const info = await stat(file).catch(() => null);
      if (info && info.mtimeMs <= cutoff) {
        await rm(file, { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}
