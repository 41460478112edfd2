// Cleanup job: deletes blobs no database row references (an upload whose row was never written,
// a deleted study's photos) and temporary files of interrupted writes. A grace period protects
// uploads in flight: their blob is durable a moment before their row is committed.
import type { SqlExecutor } from "@/lib/db/sql-driver";
import type { BlobInfo, BlobStore } from "./blob-store";
import { findReferencedBlobKeys } from "./blob-references";

export const DEFAULT_ORPHAN_GRACE_MS = 60 * 60 * 1000;

export type OrphanCollection = { scanned: number; deleted: number; deletedBytes: number; keptYoung: number; temporaryFilesRemoved: number };

export async function collectOrphanBlobs(
  sql: SqlExecutor,
  store: BlobStore,
  options: { graceMs?: number; now?: Date; batchSize?: number } = {},
): Promise<OrphanCollection> {
  const graceMs = options.graceMs ?? DEFAULT_ORPHAN_GRACE_MS;
  const cutoff = (options.now ?? new Date()).getTime() - graceMs;
  const batchSize = options.batchSize ?? 500;
  const result: OrphanCollection = { scanned: 0, deleted: 0, deletedBytes: 0, keptYoung: 0, temporaryFilesRemoved: 0 };
  let batch: BlobInfo[] = [];
  const flush = async () => {
    const referenced = await findReferencedBlobKeys(sql, batch.map((blob) => blob.key));
    for (const blob of batch) {
      if (referenced.has(blob.key)) continue;
      // Re-check the time just before deleting: a put of the same bytes may have refreshed it.
      const current = await store.stat(blob.key);
      if (!current) continue;
      if (current.modifiedAt.getTime() > cutoff) {
        result.keptYoung += 1;
        continue;
      }
      if (await store.delete(blob.key)) {
        result.deleted += 1;
        result.deletedBytes += current.size;
      }
    }
    batch = [];
  };
  for await (const blob of store.list()) {
    result.scanned += 1;
    batch.push(blob);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length) await flush();
  result.temporaryFilesRemoved = await store.removeStaleTemporaryFiles(graceMs);
  return result;
}
