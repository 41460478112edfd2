// The divergent-scene gallery: unstable scenes (or every eligible scene) under the filters, each
// with every device model's vote, the capture that decided it and the other source's prediction on
// the same bytes; filtered by scene key and class, sorted, paged. Read from the vote tables, so a
// scene is unstable here exactly when the instability report counts it so.
import "server-only";
import type { SqlDriver } from "@/lib/db/sql-driver";
import { inOneSnapshot, prepareVoteTables } from "@/lib/instability/sql/prepare-vote-tables";
import { readCount } from "@/lib/instability/sql/read-count";
import { compareKeys } from "@/lib/instability/types";
import type { ChartData } from "./get-study-charts";
import type { DivergentScenesQuery, divergentScenesResponseSchema } from "./dashboard-schemas";
import { readVoteDetails } from "./read-vote-details";
import { resolveStudyScope } from "./study-scope";

const ORDER_BY: Record<DivergentScenesQuery["sort"], string> = {
  divergence: `s.distinct_labels DESC, agg.majority_votes::float8 / s.votes, sc.position, sc.key COLLATE "C"`,
  scene: `sc.position, sc.key COLLATE "C"`,
  recent: `agg.last_at DESC, sc.key COLLATE "C"`,
  confidence: `agg.mean_prob, sc.key COLLATE "C"`,
};

type SceneRow = {
  scene_id: string;
  key: string;
  votes: unknown;
  distinct_labels: unknown;
  is_eligible: boolean;
  is_unstable: boolean;
  majority_label: unknown;
  majority_votes: unknown;
  ground_truth: unknown;
  correct_votes: unknown;
  last_at: Date | string | null;
  total: unknown;
};

const toIso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export async function listDivergentScenes(sql: SqlDriver, studyId: string, query: DivergentScenesQuery): Promise<ChartData<typeof divergentScenesResponseSchema>> {
  const { scope, filters, labels } = await resolveStudyScope(sql, studyId, query);
  const classRef = (index: number) => ({ index, label: labels[index] ?? null });
  const body = await inOneSnapshot(sql, async (tx) => {
    await prepareVoteTables(tx, scope);
    const params: unknown[] = [];
    const where = [query.show === "unstable" ? "s.is_unstable" : "s.is_eligible"];
    if (query.q) where.push(`strpos(lower(sc.key), lower($${params.push(query.q)})) > 0`);
    if (query.class !== undefined) {
      const position = params.push(query.class);
      where.push(`(s.ground_truth = $${position} OR EXISTS (SELECT 1 FROM px_votes c WHERE c.scene_seq = s.scene_seq AND c.label = $${position}))`);
    }
    const limit = params.push(query.pageSize);
    const offset = params.push((query.page - 1) * query.pageSize);
    const rows = await tx.query<SceneRow>(
      `WITH agg AS (
         SELECT v.scene_seq, count(*) FILTER (WHERE v.label = s.majority_label)::int AS majority_votes, avg(p."top1Prob") AS mean_prob,
                (SELECT max(o.created_at) FROM px_obs o WHERE o.scene_seq = v.scene_seq) AS last_at
         FROM px_votes v JOIN px_scenes s ON s.scene_seq = v.scene_seq JOIN "Prediction" p ON p.id = v.prediction_id
         WHERE s.is_eligible
         GROUP BY v.scene_seq
       )
       SELECT s.scene_id, sc.key, s.votes, s.distinct_labels, s.is_eligible, s.is_unstable, s.majority_label, agg.majority_votes,
              s.ground_truth, s.correct_votes, agg.last_at, count(*) OVER () AS total
       FROM px_scenes s JOIN "Scene" sc ON sc.seq = s.scene_seq JOIN agg ON agg.scene_seq = s.scene_seq
       WHERE ${where.join(" AND ")}
       ORDER BY ${ORDER_BY[query.sort]}
       LIMIT $${limit} OFFSET $${offset}`,
      params,
    );
    let total = readCount(rows[0]?.total);
    if (rows.length === 0 && query.page > 1) {
      // Past the last page: still say how many there are.
      const [counted] = await tx.query<Record<string, unknown>>(
        `SELECT count(*)::int AS total FROM px_scenes s JOIN "Scene" sc ON sc.seq = s.scene_seq WHERE ${where.join(" AND ")}`,
        params.slice(0, params.length - 2),
      );
      total = readCount(counted?.total);
    }
    const models = (await tx.query<{ model: string }>(`SELECT k.key AS model FROM "DeviceModelKey" k WHERE k.seq IN (SELECT model_seq FROM px_votes)`)).map((row) => row.model).sort(compareKeys);
    const votes = await readVoteDetails(
      tx,
      rows.map((row) => row.scene_id),
      labels,
    );
    const scenes = rows.map((row) => {
      const truth = row.ground_truth === null || row.ground_truth === undefined ? null : readCount(row.ground_truth);
      const voteCount = readCount(row.votes);
      const correct = readCount(row.correct_votes);
      return {
        sceneId: row.scene_id,
        sceneKey: row.key,
        groundTruth: truth === null ? null : classRef(truth),
        votes: voteCount,
        distinctLabels: readCount(row.distinct_labels),
        isEligible: row.is_eligible,
        isUnstable: row.is_unstable,
        isCorrectnessMixed: truth !== null && row.is_eligible && correct > 0 && correct < voteCount,
        majority: { ...classRef(readCount(row.majority_label)), votes: readCount(row.majority_votes) },
        lastCaptureAt: toIso(row.last_at),
        votesByModel: votes.get(row.scene_id) ?? [],
      };
    });
    return { studyId, source: query.source, filters, show: query.show, sort: query.sort, total, page: query.page, pageSize: query.pageSize, deviceModels: models, scenes };
  });
  return {
    body,
    csv: {
      columns: ["sceneId", "sceneKey", "groundTruth", "deviceModel", "vote", "voteLabel", "captures", "capturesForLabel", "captureId", "top1Prob", "counterpartSource", "counterpartTop1"],
      rows: body.scenes.flatMap((scene) =>
        scene.votesByModel.map((vote) => [
          scene.sceneId,
          scene.sceneKey,
          scene.groundTruth?.index ?? null,
          vote.deviceModel,
          vote.label,
          vote.labelName,
          vote.captures,
          vote.capturesForLabel,
          vote.captureId,
          vote.top[0]?.prob ?? null,
          vote.counterpart?.source ?? null,
          vote.counterpart?.top1Index ?? null,
        ]),
      ),
    },
  };
}
