// Builds, inside the caller's transaction, the temporary tables every instability query reads:
//   px_obs    one row per counted prediction (scene, device model, device, capture, label …)
//   px_groups one row per (scene, device model): capture count, lowest label (the vote when alone)
//   px_votes  one row per (scene, device model): the vote, aggregated in the database
//   px_scenes one row per scene with votes: vote count, distinct labels, majority, ground truth
// The vote rule is PRODUCT.md's, exactly as ../compute-votes.ts implements it: the most frequent
// top-1, ties to the label whose earliest capture (createdAt, then id in byte order) is earliest.
// Single-capture groups (most of them) take a hash-aggregate fast path; only groups with repeats
// are sorted.
import type { SqlExecutor } from "@/lib/db/sql-driver";
import { buildCaptureScope, type CaptureScope } from "./instability-filters";
import { POSTGRES_DIALECT, type SqlDialect } from "./sql-dialect";

/** Creates a temporary table and gives the planner its statistics. */
export async function createAnalysedTable(tx: SqlExecutor, dialect: SqlDialect, name: string, select: string, params?: unknown[]) {
  await tx.query(dialect.createTempTable(name, select), params);
  const analyze = dialect.analyze(name);
  if (analyze) await tx.exec(analyze);
}

/**
 * `topK`: also carry each vote's top-k list (the first k class indices of its deciding
 * prediction's stored top list) as px_obs.top_k and px_votes.top_k.
 */
export async function prepareVoteTables(
  tx: SqlExecutor,
  scope: CaptureScope,
  dialect: SqlDialect = POSTGRES_DIALECT,
  options: { topK?: number } = {},
): Promise<void> {
  for (const statement of dialect.setup) await tx.exec(statement);
  const { from, where, params } = buildCaptureScope(scope, dialect);
  const { topK } = options;
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) throw new Error(`prepareVoteTables: top-k must be a positive integer, not ${topK}`);
  await createAnalysedTable(
    tx,
    dialect,
    "px_obs",
    `SELECT c."sceneId" AS scene_id, c."deviceModelKey" AS model, c."deviceId" AS device_id, c.id AS capture_id,
              c."createdAt" AS created_at, p."top1Index" AS label, p.id AS prediction_id${topK ? `, p."topIndices"[1:${topK}] AS top_k` : ""}
       FROM ${from} WHERE ${where}`,
    params,
  );
  const topKColumn = topK ? ", top_k" : "";
  await createAnalysedTable(
    tx,
    dialect,
    "px_groups",
    `SELECT scene_id, model, count(*)::int AS n, min(label) AS label, min(prediction_id) AS prediction_id${topK ? ", min(top_k) AS top_k" : ""}
     FROM px_obs GROUP BY scene_id, model`,
  );
  // Groups with several captures: one sort by (scene, model, label, capture order) gives each
  // label's count and earliest capture; the vote is the label with the highest count, ties to the
  // earliest such capture. Keys are compared in byte order: the sorts only group, and byte
  // comparison is several times cheaper than the locale's collation.
  const [scene, model, captureId] = ["scene_id", "model", "capture_id"].map((column) => dialect.byteOrder(column));
  await createAnalysedTable(
    tx,
    dialect,
    "px_votes",
    `WITH labels AS (
         SELECT o.scene_id, o.model, o.label, o.prediction_id${topK ? ", o.top_k" : ""}, o.created_at, o.capture_id, g.n,
                count(*) OVER (PARTITION BY ${dialect.byteOrder("o.scene_id")}, ${dialect.byteOrder("o.model")}, o.label) AS c,
                row_number() OVER (PARTITION BY ${dialect.byteOrder("o.scene_id")}, ${dialect.byteOrder("o.model")}, o.label ORDER BY o.created_at, ${dialect.byteOrder("o.capture_id")}) AS r
         FROM px_obs o JOIN px_groups g ON g.scene_id = o.scene_id AND g.model = o.model AND g.n > 1
       ), decided AS (
         SELECT DISTINCT ON (${scene}, ${model}) scene_id, model, label, n, c::int AS c, prediction_id${topKColumn}
         FROM labels WHERE r = 1
         ORDER BY ${scene}, ${model}, c DESC, created_at, ${captureId}
       )
       SELECT scene_id, model, label, n AS captures, n AS captures_for_label, prediction_id${topKColumn} FROM px_groups WHERE n = 1
       UNION ALL
       SELECT scene_id, model, label, n, c, prediction_id${topKColumn} FROM decided`,
  );
  await createAnalysedTable(
    tx,
    dialect,
    "px_scenes",
    `WITH label_counts AS (
         SELECT scene_id, label, count(*)::int AS c FROM px_votes GROUP BY scene_id, label
       ), majority AS (
         SELECT DISTINCT ON (${dialect.byteOrder("scene_id")}) scene_id, label AS majority_label FROM label_counts ORDER BY ${dialect.byteOrder("scene_id")}, c DESC, label
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
  await tx.exec("DROP TABLE px_obs; DROP TABLE px_groups; DROP TABLE px_votes; DROP TABLE px_scenes");
}
