// The instability report of a study computed in the database (votes, scene facts, pairwise
// counts), for studies of any size; the same numbers as ../compute-instability-report.ts.
import type { SqlDriver } from "@/lib/db/sql-driver";
import type { BootstrapOptions } from "../compute-bootstrap-interval";
import { assembleInstabilityReport, type InstabilityReport } from "../compute-instability-report";
import type { CaptureScope } from "./instability-filters";
import { prepareVoteTables } from "./prepare-vote-tables";
import { queryInstabilityCounts } from "./query-instability-counts";
import { POSTGRES_DIALECT, type SqlDialect } from "./sql-dialect";

export async function getInstabilityReport(
  sql: SqlDriver,
  scope: CaptureScope,
  options: { k: number } & BootstrapOptions,
  dialect: SqlDialect = POSTGRES_DIALECT,
): Promise<InstabilityReport> {
  const counts = await sql.transaction(async (tx) => {
    await prepareVoteTables(tx, scope, dialect, { topK: options.k });
    return queryInstabilityCounts(tx, options.k);
  });
  return assembleInstabilityReport(counts, options);
}
