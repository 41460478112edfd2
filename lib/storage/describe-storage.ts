// What an operator (and the bad-input tests) see of the stored state: row counts per table and
// the blobs on disk.
import { z } from "zod";
import type { SqlExecutor } from "@/lib/db/sql-driver";
import type { BlobStore } from "./blob-store";

export const COUNTED_TABLES = ["Researcher", "ResearcherSession", "ApiToken", "Model", "Study", "Scene", "Device", "Capture", "Prediction"] as const;

export const storageDescriptionSchema = z.object({
  rows: z.record(z.string(), z.number().int()),
  blobs: z.object({ count: z.number().int(), bytes: z.number().int() }),
});
export type StorageDescription = z.infer<typeof storageDescriptionSchema>;

export async function describeStorage(sql: SqlExecutor, store: BlobStore): Promise<StorageDescription> {
  const union = COUNTED_TABLES.map((table) => `SELECT '${table}' AS name, COUNT(*)::int AS n FROM "${table}"`).join(" UNION ALL ");
  const rows = Object.fromEntries((await sql.query<{ name: string; n: number }>(union)).map((row) => [row.name, Number(row.n)]));
  // Predictions by source: the reference worker adds "reference" rows on its own schedule.
  for (const row of await sql.query<{ source: string; n: number }>(`SELECT source, COUNT(*)::int AS n FROM "Prediction" GROUP BY source`)) {
    rows[`Prediction.${row.source}`] = Number(row.n);
  }
  let count = 0;
  let bytes = 0;
  for await (const blob of store.list()) {
    count += 1;
    bytes += blob.size;
  }
  return { rows, blobs: { count, bytes } };
}
