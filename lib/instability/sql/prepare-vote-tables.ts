// Builds, inside the caller's transaction, the temporary tables every instability query reads:
//   px_obs    one row per counted prediction (scene, device model, device, capture, label …)
//   px_votes  one row per (scene, device model): the vote, aggregated in the database — computed
//             here (with px_groups, one row per group with its capture count and lowest label, and
//             px_repeated, the groups with several captures), or read from "Vote", the votes the
//             database keeps, for a study's whole source in a one-snapshot transaction
//   px_scenes one row per scene with votes: vote count, distinct labels, majority, ground truth
// Scenes, device models and devices are their small stable numbers (scene_seq = "Scene".seq,
// model_seq = "DeviceModelKey".seq, device_seq = "Device".seq; px_scenes also carries the scene's
// id): a million predictions group several times faster by integers than by UUID text. Join
// "DeviceModelKey" for a model's key. The rows come from "Observation", the narrow table the
// database keeps (one row per prediction of a capture as stored), not from Capture ⋈ Prediction.
// The vote rule is PRODUCT.md's, exactly as ../compute-votes.ts implements it: the most frequent
// top-1, ties to the label whose earliest capture (createdAt, then id in byte order) is earliest.
// Single-capture groups (most of them) take a hash-aggregate fast path; only groups with repeats
// are sorted.
import type { SqlDriver, SqlExecutor } from "@/lib/db/sql-driver";
import { buildObservationScope, isWholeSource, type CaptureScope } from "./instability-filters";
import { POSTGRES_DIALECT, type SqlDialect } from "./sql-dialect";

/**
 * Runs fn in a transaction whose statements all see one snapshot (REPEATABLE READ on PostgreSQL),
 * so that prepareVoteTables inside it may take the votes the database keeps alongside the observations.
 */
export function inOneSnapshot<T>(sql: SqlDriver, fn: (tx: SqlExecutor) => Promise<T>, dialect: SqlDialect = POSTGRES_DIALECT): Promise<T> {
  return sql.transaction(async (tx) => {
    if (dialect.oneSnapshot) await tx.exec(dialect.oneSnapshot);
    return fn(tx);
  });
}

async function seesOneSnapshot(tx: SqlExecutor): Promise<boolean> {
  const [row] = await tx.query<{ level: string }>(`SELECT current_setting('transaction_isolation') AS level`);
  return row?.level === "repeatable read" || row?.level === "serializable";
}

/** Creates a temporary table and gives the planner its statistics. */
export async function createAnalysedTable(tx: SqlExecutor, dialect: SqlDialect, name: string, select: string, params?: unknown[]) {
  await tx.query(dialect.createTempTable(name, select), params);
  const analyze = dialect.analyze(name);
  if (analyze) await tx.exec(analyze);
}

/**
 * `topK`: also carry each vote's top-k list (the first k class indices of its deciding
 * prediction's stored top list) as px_obs.top_k and px_votes.top_k. `sceneTable: false`: no
 * px_scenes (the instability report counts scene facts from the votes itself). In a transaction
 * that sees one snapshot (inOneSnapshot), a study's whole source (no filters) takes px_votes from
 * the votes the database keeps ("Vote") instead of computing them (~2 s less on a million
 * predictions); under READ COMMITTED px_obs and px_votes would come from two snapshots, and an
 * upload committed between them would show, so the votes are computed there.
 */
export async function prepareVoteTables(
  tx: SqlExecutor,
  scope: CaptureScope,
  dialect: SqlDialect = POSTGRES_DIALECT,
  options: { topK?: number; sceneTable?: boolean } = {},
): Promise<void> {
  for (const statement of dialect.setup) await tx.exec(statement);
  const { where, params } = buildObservationScope(scope, dialect);
  const { topK } = options;
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) throw new Error(`prepareVoteTables: top-k must be a positive integer, not ${topK}`);
  await createAnalysedTable(
    tx,
    dialect,
    "px_obs",
    `SELECT o."sceneSeq" AS scene_seq, o."deviceModelSeq" AS model_seq, o."deviceSeq" AS device_seq, o."captureId" AS capture_id,
            o."createdAt" AS created_at, o.label, o."predictionId" AS prediction_id${topK ? `, o."topIndices"[1:${topK}] AS top_k` : ""}
     FROM "Observation" o WHERE ${where}`,
    params,
  );
  if (dialect.keepsVotes && isWholeSource(scope) && (await seesOneSnapshot(tx))) {
    await createAnalysedTable(
      tx,
      dialect,
      "px_votes",
      `SELECT "sceneSeq" AS scene_seq, "deviceModelSeq" AS model_seq, label, captures, "capturesForLabel" AS captures_for_label, "predictionId" AS prediction_id
              ${topK ? `, "topIndices"[1:${topK}] AS top_k` : ""}
       FROM "Vote" WHERE "studyId" = $1 AND source = $2`,
      [scope.studyId, scope.source],
    );
  } else await computeVotes(tx, dialect, topK);
  if (options.sceneTable === false) return;
  await createAnalysedTable(
    tx,
    dialect,
    "px_scenes",
    `WITH label_counts AS (
         SELECT scene_seq, label, count(*)::int AS c FROM px_votes GROUP BY scene_seq, label
       ), majority AS (
         SELECT DISTINCT ON (scene_seq) scene_seq, label AS majority_label FROM label_counts ORDER BY scene_seq, c DESC, label
       ), totals AS (
         SELECT scene_seq, sum(c)::int AS votes, count(*)::int AS distinct_labels FROM label_counts GROUP BY scene_seq
       )
       SELECT t.scene_seq, s.id AS scene_id, t.votes, t.distinct_labels, t.votes >= 2 AS is_eligible, t.votes >= 2 AND t.distinct_labels > 1 AS is_unstable,
              m.majority_label, s."labelIndex" AS ground_truth, COALESCE(lc.c, 0) AS correct_votes
       FROM totals t
       JOIN majority m ON m.scene_seq = t.scene_seq
       JOIN "Scene" s ON s.seq = t.scene_seq
       LEFT JOIN label_counts lc ON lc.scene_seq = t.scene_seq AND lc.label = s."labelIndex"`,
  );
}

/** px_groups, px_repeated and px_votes computed from px_obs (the vote rule, as the view "ObservationVote" states it). */
async function computeVotes(tx: SqlExecutor, dialect: SqlDialect, topK: number | undefined): Promise<void> {
  const topKColumn = topK ? ", top_k" : "";
  await createAnalysedTable(
    tx,
    dialect,
    "px_groups",
    `SELECT scene_seq, model_seq, count(*)::int AS n, min(label) AS label, min(prediction_id) AS prediction_id${topK ? ", min(top_k) AS top_k" : ""}
     FROM px_obs GROUP BY scene_seq, model_seq`,
  );
  // Groups with several captures: one sort by (scene, model, label, capture order) gives each
  // label's count and earliest capture; the vote is the label with the highest count, ties to the
  // earliest such capture. Capture ids are compared in byte order. The repeated groups get their
  // own small table first: joined to px_groups filtered on n > 1, PostgreSQL hashed all of px_obs
  // (a million rows, ~0.35 s) instead of the ~20 % of groups that repeat.
  await createAnalysedTable(tx, dialect, "px_repeated", `SELECT scene_seq, model_seq, n FROM px_groups WHERE n > 1`);
  const captureId = dialect.byteOrder("capture_id");
  await createAnalysedTable(
    tx,
    dialect,
    "px_votes",
    `WITH labels AS (
         SELECT o.scene_seq, o.model_seq, o.label, o.prediction_id${topK ? ", o.top_k" : ""}, o.created_at, o.capture_id, g.n,
                count(*) OVER (PARTITION BY o.scene_seq, o.model_seq, o.label) AS c,
                row_number() OVER (PARTITION BY o.scene_seq, o.model_seq, o.label ORDER BY o.created_at, ${dialect.byteOrder("o.capture_id")}) AS r
         FROM px_obs o JOIN px_repeated g ON g.scene_seq = o.scene_seq AND g.model_seq = o.model_seq
       ), decided AS (
         SELECT DISTINCT ON (scene_seq, model_seq) scene_seq, model_seq, label, n, c::int AS c, prediction_id${topKColumn}
         FROM labels WHERE r = 1
         ORDER BY scene_seq, model_seq, c DESC, created_at, ${captureId}
       )
       SELECT scene_seq, model_seq, label, n AS captures, n AS captures_for_label, prediction_id${topKColumn} FROM px_groups WHERE n = 1
       UNION ALL
       SELECT scene_seq, model_seq, label, n, c, prediction_id${topKColumn} FROM decided`,
  );
}

/** Drops the vote tables so another scope can be prepared in the same transaction. */
export async function dropVoteTables(tx: SqlExecutor): Promise<void> {
  await tx.exec("DROP TABLE px_obs; DROP TABLE IF EXISTS px_groups; DROP TABLE IF EXISTS px_repeated; DROP TABLE px_votes; DROP TABLE px_scenes");
}
