// Confidence histograms per device model computed in the database (../compute-confidence-histogram.ts).
import type { SqlDriver } from "@/lib/db/sql-driver";
import type { ConfidenceHistogram } from "../compute-confidence-histogram";
import { compareKeys } from "../types";
import { buildCaptureScope, type CaptureScope } from "./instability-filters";
import { readCount } from "./read-count";
import { POSTGRES_DIALECT } from "./sql-dialect";

export async function getConfidenceHistograms(sql: SqlDriver, scope: CaptureScope, bins: number): Promise<ConfidenceHistogram[]> {
  const { from, where, params } = buildCaptureScope(scope, POSTGRES_DIALECT);
  const binParam = params.length + 1;
  const rows = await sql.query<{ model: string; bin: unknown; n: unknown }>(
    `SELECT c."deviceModelKey" AS model, LEAST(GREATEST(floor(p."top1Prob" * $${binParam}::int)::int, 0), $${binParam}::int - 1) AS bin, count(*)::int AS n
     FROM ${from} WHERE ${where} GROUP BY 1, 2`,
    [...params, bins],
  );
  const byModel = new Map<string, number[]>();
  for (const row of rows) {
    let counts = byModel.get(row.model);
    if (!counts) byModel.set(row.model, (counts = new Array<number>(bins).fill(0)));
    counts[readCount(row.bin)] = readCount(row.n);
  }
  return [...byModel.entries()]
    .sort(([a], [b]) => compareKeys(a, b))
    .map(([key, counts]) => ({ key, predictions: counts.reduce((sum, n) => sum + n, 0), counts }));
}
