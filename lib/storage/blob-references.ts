// Every database column that holds a blob key. The orphan collector keeps exactly the blobs named
// here; a module that stores blobs in a new column adds one line to BLOB_REFERENCE_COLUMNS.
import type { SqlExecutor } from "@/lib/db/sql-driver";

export const BLOB_REFERENCE_COLUMNS: ReadonlyArray<{ table: string; column: string }> = [
  { table: "Capture", column: "blobKey" },
  { table: "Model", column: "blobKey" },
  { table: "Scene", column: "stimulusBlobKey" },
];

/** Which of the given keys some row references. */
export async function findReferencedBlobKeys(sql: SqlExecutor, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const union = BLOB_REFERENCE_COLUMNS.map(
    ({ table, column }) => `SELECT "${column}" AS key FROM "${table}" WHERE "${column}" = ANY($1::text[])`,
  ).join(" UNION ");
  const rows = await sql.query<{ key: string }>(union, [keys]);
  return new Set(rows.map((row) => row.key));
}
