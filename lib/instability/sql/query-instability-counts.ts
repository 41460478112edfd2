// The counts behind the instability report, read from the vote tables that
// ./prepare-vote-tables.ts built in the same transaction.
import type { SqlExecutor } from "@/lib/db/sql-driver";
import { toPairwiseInstability } from "../compute-pairwise-instability";
import type { InstabilityCounts } from "../compute-instability-report";
import { compareKeys, toRatio } from "../types";
import { queryPairwiseCounts } from "./query-pairwise-counts";
import { readCount } from "./read-count";

export async function queryInstabilityCounts(tx: SqlExecutor, k: number): Promise<InstabilityCounts> {
  const [scenes] = await tx.query<Record<string, unknown>>(
    `SELECT count(*)::int AS scenes,
            count(*) FILTER (WHERE is_eligible)::int AS eligible,
            count(*) FILTER (WHERE is_unstable)::int AS unstable,
            count(*) FILTER (WHERE is_eligible AND ground_truth IS NOT NULL)::int AS truth_scenes,
            count(*) FILTER (WHERE is_eligible AND ground_truth IS NOT NULL AND correct_votes > 0 AND correct_votes < votes)::int AS mixed
     FROM px_scenes`,
  );
  const [within] = await tx.query<Record<string, unknown>>(
    `SELECT count(*)::int AS groups, count(*) FILTER (WHERE lowest <> highest)::int AS unstable
     FROM (SELECT min(label) AS lowest, max(label) AS highest FROM px_obs GROUP BY scene_seq, device_seq HAVING count(*) >= 2) g`,
  );
  // (device model, device) pairs first: a hash aggregate instead of a sort for the distinct devices.
  const perDevice = await tx.query<{ model: string; device_seq: unknown; captures: unknown }>(
    `SELECT k.key AS model, g.device_seq, g.captures
     FROM (SELECT model_seq, device_seq, count(*)::int AS captures FROM px_obs GROUP BY model_seq, device_seq) g
     JOIN "DeviceModelKey" k ON k.seq = g.model_seq`,
  );
  const voteRows = await tx.query<Record<string, unknown> & { model: string; model_seq: unknown }>(
    `SELECT k.key AS model, g.* FROM (
       SELECT v.model_seq, count(*)::int AS scenes,
              count(*) FILTER (WHERE s.ground_truth IS NOT NULL)::int AS truth_votes,
              count(*) FILTER (WHERE v.label = s.ground_truth)::int AS correct_votes
       FROM px_votes v JOIN px_scenes s ON s.scene_seq = v.scene_seq GROUP BY v.model_seq
     ) g JOIN "DeviceModelKey" k ON k.seq = g.model_seq`,
  );
  const models = new Map<string, { devices: number; captures: number }>();
  const devices = new Set<number>();
  let captures = 0;
  for (const row of perDevice) {
    const entry = models.get(row.model) ?? { devices: 0, captures: 0 };
    entry.devices += 1;
    entry.captures += readCount(row.captures);
    models.set(row.model, entry);
    devices.add(readCount(row.device_seq));
    captures += readCount(row.captures);
  }
  const votesByModel = new Map(voteRows.map((row) => [row.model, row]));
  const deviceModels = [...models.entries()]
    .sort(([a], [b]) => compareKeys(a, b))
    .map(([key, entry]) => {
      const votes = votesByModel.get(key);
      const withTruth = readCount(votes?.truth_votes);
      const correct = readCount(votes?.correct_votes);
      return {
        key,
        devices: entry.devices,
        captures: entry.captures,
        scenes: readCount(votes?.scenes),
        votesWithGroundTruth: withTruth,
        correctVotes: correct,
        accuracy: toRatio(correct, withTruth).value,
      };
    });
  const pairwise = (await queryPairwiseCounts(tx, voteRows.map((row) => ({ key: row.model, seq: readCount(row.model_seq) })), k)).map((counts) =>
    toPairwiseInstability(counts, k),
  );
  return {
    k,
    captures,
    devices: devices.size,
    scenes: readCount(scenes?.scenes),
    labelInstability: toRatio(readCount(scenes?.unstable), readCount(scenes?.eligible)),
    correctnessInstability: toRatio(readCount(scenes?.mixed), readCount(scenes?.truth_scenes)),
    withinDeviceInstability: toRatio(readCount(within?.unstable), readCount(within?.groups)),
    pairwise,
    deviceModels,
  };
}
