// The blob-store interface: content-addressed, immutable byte objects (photos, model files,
// stimuli). Callers never see paths, so an S3-compatible store can replace the local one.
// A blob becomes visible under its key only once it is durable; a failed or aborted put leaves nothing.
import type { Readable } from "node:stream";

export type BlobSource = Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

export type StoredBlob = {
  /** Opaque key to store in the database (today: the SHA-256 in lowercase hex). */
  key: string;
  /** SHA-256 of the stored bytes, lowercase hex. */
  sha256: string;
  size: number;
  /** False when identical bytes were already stored (content addressing de-duplicates). */
  created: boolean;
};

export type BlobInfo = { key: string; size: number; modifiedAt: Date };

/**
 * An open blob read at chosen positions into the caller's buffer, so a caller that reads many blobs
 * can reuse its buffers instead of receiving fresh ones (see lib/export/buffer-pool.ts). The blob
 * stays readable while open, even if it is deleted meanwhile.
 */
export type BlobReader = {
  /** The blob's size in bytes, as it was when opened. */
  readonly size: number;
  /** Reads up to `into.length` bytes starting at `position` into `into`; resolves to the count read (0 at the end). */
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
};

export type PutOptions = {
  /** Abort the write (the partial data is discarded); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Refuse (and discard) the blob once it grows beyond this many bytes. */
  maxBytes?: number;
};

export interface BlobStore {
  /** Store bytes; resolves only when they are durable (fsync'ed and renamed into place). */
  put(source: BlobSource, options?: PutOptions): Promise<StoredBlob>;
  /** The whole blob in memory (for small blobs); throws BlobNotFoundError. */
  get(key: string): Promise<Buffer>;
  /** The blob opened for reads into the caller's buffers; throws BlobNotFoundError. Close it when done. */
  open(key: string): Promise<BlobReader>;
  /** A stream of the blob, optionally a byte range [start, end] inclusive; throws BlobNotFoundError. */
  stream(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Size and time of a blob, or null when absent. */
  stat(key: string): Promise<BlobInfo | null>;
  /** Delete a blob; false when it did not exist. */
  delete(key: string): Promise<boolean>;
  /** Every stored blob (order unspecified). */
  list(): AsyncIterable<BlobInfo>;
  /** Remove leftovers of interrupted puts older than the given age; returns how many were removed. */
  removeStaleTemporaryFiles(olderThanMs: number): Promise<number>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No blob with key ${key}.`);
    this.name = "BlobNotFoundError";
  }
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The blob is larger than ${maxBytes} bytes.`);
    this.name = "BlobTooLargeError";
  }
}

/** Keys are SHA-256 hex strings; anything else is refused before it can reach a path. */
export function isValidBlobKey(key: string): boolean {
  return /^[0-9a-f]{64}$/.test(key);
}
