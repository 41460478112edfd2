// The instability report of a study computed in the database (votes, scene facts, pairwise
// counts), for studies of any size; the same numbers as ../compute-instability-report.ts. A study's
// whole source without filters reads the votes the database keeps ("Vote"); a filtered scope
// computes the votes of the observations it counts.
import type { SqlDriver } from "@/lib/db/sql-driver";
import type { BootstrapOptions } from "../compute-bootstrap-interval";
import { assembleInstabilityReport, type InstabilityReport } from "../compute-instability-report";
import { isWholeSource, type CaptureScope } from "./instability-filters";
import { inOneSnapshot, prepareVoteTables } from "./prepare-vote-tables";
import { queryInstabilityCounts, storedVoteRows, voteTableRows } from "./query-instability-counts";
import { POSTGRES_DIALECT, type SqlDialect } from "./sql-dialect";

export async function getInstabilityReport(
  sql: SqlDriver,
  scope: CaptureScope,
  options: { k: number } & BootstrapOptions,
  dialect: SqlDialect = POSTGRES_DIALECT,
): Promise<InstabilityReport> {
  // One snapshot for every statement: the counts of one moment, whatever uploads commit meanwhile.
  const counts = await inOneSnapshot(
    sql,
    async (tx) => {
      if (dialect.keepsVotes && isWholeSource(scope)) {
        for (const statement of dialect.setup) await tx.exec(statement);
        return queryInstabilityCounts(tx, options.k, storedVoteRows(scope.studyId, scope.source));
      }
      await prepareVoteTables(tx, scope, dialect, { topK: options.k, sceneTable: false });
      return queryInstabilityCounts(tx, options.k, voteTableRows(dialect));
    },
    dialect,
  );
  return assembleInstabilityReport(counts, options);
}
