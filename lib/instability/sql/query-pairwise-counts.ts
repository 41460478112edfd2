// Pairwise counts of every pair of device models from the vote tables (./prepare-vote-tables.ts),
// by joins over votes, arranged so the join only touches the rows that can change a count:
//   sharedScenes(A,B)  = Σ eligible scenes [A votes][B votes]. For a dense study (most device
//                        models vote on most scenes) it is counted from the complement,
//                        vE(A) + vE(B) − |E| + missingBoth(A,B), joining only the missing
//                        (scene, device model) cells; for a sparse one by joining votes directly.
//   disagreements      only unstable scenes have any. Each disagreeing pair is enumerated once by
//                        joining each minority vote x (label ≠ the scene's majority label) with
//                        the scene's votes y of another label where y is a majority vote or
//                        x.label < y.label.
//   exactly one correct a disagreeing pair in a scene with ground truth where one vote is it.
//   top-k agreement    sharedScenes − misses; a miss is a disagreeing pair where neither vote is
//                        in the other's top-k, or an agreeing pair where neither vote is in its
//                        own capture's top-k (only possible when a stored top list does not
//                        start with its top-1, counted by a join over those rare votes).
// Counts are exactly those of ../compute-pairwise-instability.ts (checked by a database test).
import type { SqlExecutor } from "@/lib/db/sql-driver";
import type { PairwiseCounts } from "../compute-pairwise-instability";
import { compareKeys } from "../types";
import { createAnalysedTable } from "./prepare-vote-tables";
import { readCount } from "./read-count";
import { POSTGRES_DIALECT, type SqlDialect } from "./sql-dialect";

type PairRow = { a: string; b: string } & Record<string, unknown>;

/** Votes of one device model in eligible scenes (all, and in scenes with ground truth). */
export type EligibleVoteCounts = { model: string; votes: number; truthVotes: number };

/**
 * Every unordered pair of the device models with votes (sorted by a, b), with its counts; k is
 * the top-k size. `models` lists every device model with votes and its votes in eligible scenes.
 */
export async function queryPairwiseCounts(
  tx: SqlExecutor,
  models: readonly EligibleVoteCounts[],
  k: number,
  dialect: SqlDialect = POSTGRES_DIALECT,
): Promise<PairwiseCounts[]> {
  const sorted = models.map((row) => row.model).sort(compareKeys);
  if (sorted.length < 2) return [];
  const pairKey = (a: string, b: string) => (compareKeys(a, b) < 0 ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const lower = (x: string, y: string) => `CASE WHEN ${dialect.byteOrder(x)} < ${dialect.byteOrder(y)} THEN ${x} ELSE ${y} END`;
  const upper = (x: string, y: string) => `CASE WHEN ${dialect.byteOrder(x)} < ${dialect.byteOrder(y)} THEN ${y} ELSE ${x} END`;
  const topK = (column: string) => dialect.intArray(Array.from({ length: k }, (_, i) => dialect.topIndexAt(column, i)));

  // Top-k lists of the votes that need them: all votes of unstable scenes, and votes whose stored
  // top list does not start with the voted label.
  await createAnalysedTable(
    tx,
    dialect,
    "px_tvotes",
    `SELECT v.scene_id, v.model, v.label, s.is_unstable, s.majority_label, s.ground_truth, ${topK("p.top")} AS top_k
     FROM px_votes v JOIN px_scenes s ON s.scene_id = v.scene_id JOIN "Prediction" p ON p.id = v.prediction_id
     WHERE s.is_eligible AND (s.is_unstable OR NOT v.first_is_top1)`,
  );

  const shared = new Map<string, { all: number; truth: number }>();
  const [totals] = await tx.query<{ scenes: unknown; truth_scenes: unknown }>(
    `SELECT count(*)::int AS scenes, count(*) FILTER (WHERE ground_truth IS NOT NULL)::int AS truth_scenes FROM px_scenes WHERE is_eligible`,
  );
  const eligible = readCount(totals?.scenes);
  const eligibleWithTruth = readCount(totals?.truth_scenes);
  const votesOf = new Map(models.map((row) => [row.model, { all: row.votes, truth: row.truthVotes }]));
  const totalVotes = models.reduce((sum, row) => sum + row.votes, 0);
  const missingCells = eligible * sorted.length - totalVotes;

  if (missingCells <= totalVotes) {
    await tx.query(dialect.createTempTable("px_models", `SELECT unnest(${dialect.textArrayParameter(1)}) AS model`), [sorted]);
    const rows = await tx.query<PairRow>(
      `WITH missing AS (
         SELECT s.scene_id, s.ground_truth IS NOT NULL AS has_truth, m.model
         FROM px_scenes s CROSS JOIN px_models m
         WHERE s.is_eligible AND s.votes < ${sorted.length} AND NOT EXISTS (SELECT 1 FROM px_votes v WHERE v.scene_id = s.scene_id AND v.model = m.model)
       )
       SELECT ${lower("x.model", "y.model")} AS a, ${upper("x.model", "y.model")} AS b,
              count(*)::int AS both_missing, count(*) FILTER (WHERE x.has_truth)::int AS both_missing_truth
       FROM missing x JOIN missing y ON y.scene_id = x.scene_id AND ${dialect.byteOrder("x.model")} < ${dialect.byteOrder("y.model")}
       GROUP BY 1, 2`,
    );
    const bothMissing = new Map(rows.map((row) => [pairKey(row.a, row.b), row]));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const a = sorted[i]!;
        const b = sorted[j]!;
        const va = votesOf.get(a) ?? { all: 0, truth: 0 };
        const vb = votesOf.get(b) ?? { all: 0, truth: 0 };
        const missing = bothMissing.get(pairKey(a, b));
        shared.set(pairKey(a, b), {
          all: va.all + vb.all - eligible + readCount(missing?.both_missing),
          truth: va.truth + vb.truth - eligibleWithTruth + readCount(missing?.both_missing_truth),
        });
      }
    }
  } else {
    const rows = await tx.query<PairRow>(
      `SELECT ${lower("x.model", "y.model")} AS a, ${upper("x.model", "y.model")} AS b,
              count(*)::int AS shared, count(*) FILTER (WHERE s.ground_truth IS NOT NULL)::int AS shared_truth
       FROM px_votes x JOIN px_votes y ON y.scene_id = x.scene_id AND ${dialect.byteOrder("x.model")} < ${dialect.byteOrder("y.model")}
       JOIN px_scenes s ON s.scene_id = x.scene_id
       GROUP BY 1, 2`,
    );
    for (const row of rows) shared.set(pairKey(row.a, row.b), { all: readCount(row.shared), truth: readCount(row.shared_truth) });
  }

  const disagreementRows = await tx.query<PairRow>(
    `SELECT ${lower("x.model", "y.model")} AS a, ${upper("x.model", "y.model")} AS b,
            count(*)::int AS disagreements,
            count(*) FILTER (WHERE x.ground_truth IS NOT NULL AND (x.label = x.ground_truth OR y.label = x.ground_truth))::int AS one_correct,
            count(*) FILTER (WHERE NOT (${dialect.arrayContains("y.top_k", "x.label")} OR ${dialect.arrayContains("x.top_k", "y.label")}))::int AS top_k_misses
     FROM px_tvotes x JOIN px_tvotes y ON y.scene_id = x.scene_id AND y.label <> x.label
     WHERE x.is_unstable AND x.label <> x.majority_label AND (y.label = y.majority_label OR x.label < y.label)
     GROUP BY 1, 2`,
  );
  const agreeingMissRows = await tx.query<PairRow>(
    `WITH outside AS (
       SELECT scene_id, model, label FROM px_tvotes WHERE NOT ${dialect.arrayContains("top_k", "label")}
     )
     SELECT ${lower("x.model", "y.model")} AS a, ${upper("x.model", "y.model")} AS b, count(*)::int AS misses
     FROM outside x JOIN outside y ON y.scene_id = x.scene_id AND y.label = x.label AND ${dialect.byteOrder("x.model")} < ${dialect.byteOrder("y.model")}
     GROUP BY 1, 2`,
  );
  const disagreements = new Map(disagreementRows.map((row) => [pairKey(row.a, row.b), row]));
  const agreeingMisses = new Map(agreeingMissRows.map((row) => [pairKey(row.a, row.b), readCount(row.misses)]));

  const result: PairwiseCounts[] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i]!;
      const b = sorted[j]!;
      const key = pairKey(a, b);
      const sharedCounts = shared.get(key) ?? { all: 0, truth: 0 };
      const differing = disagreements.get(key);
      result.push({
        a,
        b,
        sharedScenes: sharedCounts.all,
        disagreements: readCount(differing?.disagreements),
        correctSharedScenes: sharedCounts.truth,
        correctDisagreements: readCount(differing?.one_correct),
        topKAgreements: sharedCounts.all - readCount(differing?.top_k_misses) - (agreeingMisses.get(key) ?? 0),
      });
    }
  }
  return result;
}
