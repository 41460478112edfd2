// Builds, inside the caller's transaction, the temporary tables every instability query reads:
//   px_obs    one row per counted prediction (scene, device model, device, capture, label …)
//   px_votes  one row per (scene, device model): the vote, aggregated in the database
//   px_scenes one row per scene with votes: vote count, distinct labels, majority, ground truth
// The vote rule is PRODUCT.md's, exactly as ../compute-votes.ts implements it: the most frequent
// top-1, ties to the label whose earliest capture (createdAt, then id in byte order) is earliest.
// Single-capture groups (almost all of them) take a hash-aggregate fast path; only groups with
// repeats are sorted.
import type { SqlExecutor } from "@/lib/db/sql-driver";
import { buildCaptureScope, type CaptureScope } from "./instability-filters";
import { POSTGRES_DIALECT, type SqlDialect } from "./sql-dialect";

/** Creates a temporary table and gives the planner its statistics. */
export async function createAnalysedTable(tx: SqlExecutor, dialect: SqlDialect, name: string, select: string, params?: unknown[]) {
  await tx.query(dialect.createTempTable(name, select), params);
  const analyze = dialect.analyze(name);
  if (analyze) await tx.exec(analyze);
}

export async function prepareVoteTables(tx: SqlExecutor, scope: CaptureScope, dialect: SqlDialect = POSTGRES_DIALECT): Promise<void> {
  for (const statement of dialect.setup) await tx.exec(statement);
  const { from, where, params } = buildCaptureScope(scope, dialect);
  await createAnalysedTable(
    tx,
    dialect,
    "px_obs",
    `SELECT c."sceneId" AS scene_id, c."deviceModelKey" AS model, c."deviceId" AS device_id, c.id AS capture_id,
              c."createdAt" AS created_at, p."top1Index" AS label, p.id AS prediction_id,
              COALESCE(${dialect.topIndexAt("p.top", 0)} = p."top1Index", false) AS first_is_top1
       FROM ${from} WHERE ${where}`,
    params,
  );
  await createAnalysedTable(
    tx,
    dialect,
    "px_votes",
    `WITH groups AS (
         SELECT scene_id, model, count(*)::int AS n, min(label) AS label, min(prediction_id) AS prediction_id, bool_and(first_is_top1) AS first_is_top1
         FROM px_obs GROUP BY scene_id, model
       ), repeated AS (
         SELECT o.*, g.n, count(*) OVER (PARTITION BY o.scene_id, o.model, o.label) AS c
         FROM px_obs o JOIN groups g ON g.scene_id = o.scene_id AND g.model = o.model AND g.n > 1
       ), decided AS (
         SELECT DISTINCT ON (scene_id, model) scene_id, model, label, n, c::int AS c, prediction_id, first_is_top1
         FROM repeated
         ORDER BY scene_id, model, c DESC, created_at, ${dialect.byteOrder("capture_id")}
       )
       SELECT scene_id, model, label, n AS captures, n AS captures_for_label, prediction_id, first_is_top1 FROM groups WHERE n = 1
       UNION ALL
       SELECT scene_id, model, label, n, c, prediction_id, first_is_top1 FROM decided`,
  );
  await createAnalysedTable(
    tx,
    dialect,
    "px_scenes",
    `WITH label_counts AS (
         SELECT scene_id, label, count(*)::int AS c FROM px_votes GROUP BY scene_id, label
       ), majority AS (
         SELECT DISTINCT ON (scene_id) scene_id, label AS majority_label FROM label_counts ORDER BY scene_id, c DESC, label
       ), totals AS (
         SELECT scene_id, sum(c)::int AS votes, count(*)::int AS distinct_labels FROM label_counts GROUP BY scene_id
       )
       SELECT t.scene_id, t.votes, t.distinct_labels, t.votes >= 2 AS is_eligible, t.votes >= 2 AND t.distinct_labels > 1 AS is_unstable,
              m.majority_label, s."labelIndex" AS ground_truth, COALESCE(lc.c, 0) AS correct_votes
       FROM totals t
       JOIN majority m ON m.scene_id = t.scene_id
       JOIN "Scene" s ON s.id = t.scene_id
       LEFT JOIN label_counts lc ON lc.scene_id = t.scene_id AND lc.label = s."labelIndex"`,
  );
}

/** Drops the vote tables so another scope can be prepared in the same transaction. */
export async function dropVoteTables(tx: SqlExecutor): Promise<void> {
  await tx.exec("DROP TABLE px_obs; DROP TABLE px_votes; DROP TABLE px_scenes");
}
