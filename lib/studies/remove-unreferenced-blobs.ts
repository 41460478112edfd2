// After rows were deleted (a study, a device's data): removes the blobs they named that no row
// names any more, with their cached thumbnails. Identical bytes are stored once, so a blob another
// study still uses stays. A blob written or refreshed after the deletion began stays too: an upload
// of the same bytes may be between storing its blob and committing its row (the hourly orphan
// collector removes it later if that row never comes).
import { BLOB_REFERENCE_COLUMNS } from "@/lib/storage/blob-references";
import type { BlobStore } from "@/lib/storage/blob-store";
import type { SqlExecutor } from "@/lib/db/sql-driver";
import { removeCachedThumbnails } from "@/lib/captures/capture-thumbnails";

export type BlobCandidate = { key: string; sha256: string };
export type BlobRemoval = { blobsDeleted: number; bytesFreed: number; keptRecent: number };

const BATCH = 5000;

/** Which of `keys` no row of BLOB_REFERENCE_COLUMNS names (one anti-join per batch). */
export async function findUnreferencedBlobKeys(sql: SqlExecutor, keys: string[]): Promise<Set<string>> {
  const unreferenced = new Set<string>();
  const conditions = BLOB_REFERENCE_COLUMNS.map(({ table, column }) => `NOT EXISTS (SELECT 1 FROM "${table}" r WHERE r."${column}" = k.key)`).join(" AND ");
  for (let start = 0; start < keys.length; start += BATCH) {
    const rows = await sql.query<{ key: string }>(`SELECT k.key FROM unnest($1::text[]) AS k(key) WHERE ${conditions}`, [keys.slice(start, start + BATCH)]);
    for (const row of rows) unreferenced.add(row.key);
  }
  return unreferenced;
}

export async function removeUnreferencedBlobs(
  sql: SqlExecutor,
  store: BlobStore,
  candidates: BlobCandidate[],
  options: { deletionStartedAt: Date; thumbnailsDir?: string },
): Promise<BlobRemoval> {
  const result: BlobRemoval = { blobsDeleted: 0, bytesFreed: 0, keptRecent: 0 };
  const byKey = new Map(candidates.map((candidate) => [candidate.key, candidate]));
  const unreferenced = await findUnreferencedBlobKeys(sql, [...byKey.keys()]);
  for (const key of unreferenced) {
    const info = await store.stat(key);
    if (info && info.modifiedAt.getTime() > options.deletionStartedAt.getTime()) {
      result.keptRecent += 1;
      continue;
    }
    if (info && (await store.delete(key))) {
      result.blobsDeleted += 1;
      result.bytesFreed += info.size;
    }
    if (options.thumbnailsDir) await removeCachedThumbnails(options.thumbnailsDir, byKey.get(key)!.sha256);
  }
  return result;
}
