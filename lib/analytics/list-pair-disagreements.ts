// The scenes behind one cell of the device-model heatmap: scenes where device models A and B both
// voted and their votes differ, with both votes (the deciding capture, its top list and the other
// source's prediction). The counts are the heatmap's own (shared scenes, disagreements), read from
// the same vote tables.
import "server-only";
import type { z } from "zod";
import type { SqlDriver } from "@/lib/db/sql-driver";
import { inOneSnapshot, prepareVoteTables } from "@/lib/instability/sql/prepare-vote-tables";
import { readCount } from "@/lib/instability/sql/read-count";
import type { ChartData } from "./get-study-charts";
import { pairScenesResponseSchema, type pairScenesQuerySchema } from "./dashboard-schemas";
import { readVoteDetails } from "./read-vote-details";
import { resolveStudyScope } from "./study-scope";

type PairScenesQuery = Omit<z.output<typeof pairScenesQuerySchema>, "format">;

export async function listPairDisagreements(sql: SqlDriver, studyId: string, query: PairScenesQuery): Promise<ChartData<typeof pairScenesResponseSchema>> {
  const { scope, filters, labels } = await resolveStudyScope(sql, studyId, query);
  const { a, b } = query;
  const body = await inOneSnapshot(sql, async (tx) => {
    await prepareVoteTables(tx, scope);
    const [counts] = await tx.query<Record<string, unknown>>(
      `SELECT count(*)::int AS shared, count(*) FILTER (WHERE va.label <> vb.label)::int AS disagreements
       FROM px_votes va JOIN px_votes vb ON vb.scene_seq = va.scene_seq
       JOIN "DeviceModelKey" ka ON ka.seq = va.model_seq JOIN "DeviceModelKey" kb ON kb.seq = vb.model_seq
       WHERE ka.key = $1 AND kb.key = $2`,
      [a, b],
    );
    const page = await tx.query<{ scene_id: string; key: string; ground_truth: unknown }>(
      `SELECT sc.id AS scene_id, sc.key, sc."labelIndex" AS ground_truth
       FROM px_votes va JOIN px_votes vb ON vb.scene_seq = va.scene_seq JOIN "Scene" sc ON sc.seq = va.scene_seq
       JOIN "DeviceModelKey" ka ON ka.seq = va.model_seq JOIN "DeviceModelKey" kb ON kb.seq = vb.model_seq
       WHERE ka.key = $1 AND kb.key = $2 AND va.label <> vb.label
       ORDER BY sc.position, sc.key COLLATE "C"
       LIMIT $3 OFFSET $4`,
      [a, b, query.limit, query.offset],
    );
    const votes = await readVoteDetails(
      tx,
      page.map((row) => row.scene_id),
      labels,
      [a, b],
    );
    const scenes = page.map((row) => {
      const list = votes.get(row.scene_id) ?? [];
      const truth = row.ground_truth === null || row.ground_truth === undefined ? null : readCount(row.ground_truth);
      return {
        sceneId: row.scene_id,
        sceneKey: row.key,
        groundTruth: truth === null ? null : { index: truth, label: labels[truth] ?? null },
        a: list.find((vote) => vote.deviceModel === a)!,
        b: list.find((vote) => vote.deviceModel === b)!,
      };
    });
    return {
      studyId,
      source: query.source,
      filters,
      a,
      b,
      sharedScenes: readCount(counts?.shared),
      disagreements: readCount(counts?.disagreements),
      offset: query.offset,
      limit: query.limit,
      scenes,
    };
  });
  return {
    body,
    csv: {
      columns: ["sceneId", "sceneKey", "groundTruth", "a", "aVote", "aVoteLabel", "aCaptures", "aCaptureId", "b", "bVote", "bVoteLabel", "bCaptures", "bCaptureId"],
      rows: body.scenes.map((s) => [
        s.sceneId,
        s.sceneKey,
        s.groundTruth?.index ?? null,
        a,
        s.a.label,
        s.a.labelName,
        s.a.captures,
        s.a.captureId,
        b,
        s.b.label,
        s.b.labelName,
        s.b.captures,
        s.b.captureId,
      ]),
    },
  };
}
