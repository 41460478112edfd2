// The counts behind the instability report, from one of two places the rows can come from:
//   - the vote tables ./prepare-vote-tables.ts built in the same transaction (any scope, filters
//     included): `VOTE_TABLE_ROWS`;
//   - the tables the database keeps, "Observation" and "Vote" (prisma/migrations/
//     20261127000000_vote), for a study's whole source without filters: `storedVoteRows`.
// Three statements: captures per (device model, device); each scene's votes as one short text
// ("model label top1 …" per vote), counted here by ./tally-scene-votes.ts (scene facts, accuracy,
// every pair of device models: one joined row per (scene, pair of voters) would be 12 M rows for
// 20 000 scenes seen by 35 device models each, tens of seconds in SQL, against well under a second
// for the kernel); and the within-device groups, which the database computes while the votes are
// counted here. Counts are exactly those of ../compute-instability-report.ts (checked by database
// tests on PGlite and PostgreSQL).
import type { SqlExecutor } from "@/lib/db/sql-driver";
import type { InstabilityCounts } from "../compute-instability-report";
import { toPairwiseInstability } from "../compute-pairwise-instability";
import { parseVoteText } from "../count-scene-pairs";
import { SceneVoteTally } from "../tally-scene-votes";
import { compareKeys, toRatio } from "../types";
import type { PredictionSource } from "./instability-filters";
import { readCount } from "./read-count";
import { POSTGRES_DIALECT, type SqlDialect } from "./sql-dialect";

export type InstabilityRows = {
  /** A relation of the counted observations: scene_seq, model_seq, device_seq, label. */
  observations: string;
  /** A query of one row per scene with votes: scene_seq, votes (the scene's vote texts joined by commas). */
  sceneVotes: string;
  params: unknown[];
};

/** The vote tables of prepareVoteTables (prepared with the report's top-k). */
export function voteTableRows(dialect: SqlDialect = POSTGRES_DIALECT): InstabilityRows {
  return {
    observations: "px_obs",
    sceneVotes: `SELECT scene_seq, string_agg(${dialect.voteText("model_seq", "label", "top_k")}, ',') AS votes FROM px_votes GROUP BY scene_seq`,
    params: [],
  };
}

/** A study's whole source, read from the tables the database keeps (no filters). */
export function storedVoteRows(studyId: string, source: PredictionSource): InstabilityRows {
  return {
    observations: `(SELECT "sceneSeq" AS scene_seq, "deviceModelSeq" AS model_seq, "deviceSeq" AS device_seq, label FROM "Observation" WHERE "studyId" = $1 AND source = $2)`,
    sceneVotes: `SELECT "sceneSeq" AS scene_seq, string_agg(text, ',') AS votes FROM "Vote" WHERE "studyId" = $1 AND source = $2 GROUP BY "sceneSeq"`,
    params: [studyId, source],
  };
}

export async function queryInstabilityCounts(tx: SqlExecutor, k: number, rows: InstabilityRows): Promise<InstabilityCounts> {
  const { observations, params } = rows;
  // (device model, device) pairs first: a hash aggregate instead of a sort for the distinct devices.
  const perDevice = await tx.query<{ model: string; model_seq: unknown; device_seq: unknown; captures: unknown }>(
    `SELECT k.key AS model, g.model_seq, g.device_seq, g.captures
     FROM (SELECT model_seq, device_seq, count(*)::int AS captures FROM ${observations} o GROUP BY model_seq, device_seq) g
     JOIN "DeviceModelKey" k ON k.seq = g.model_seq`,
    params,
  );
  const models = new Map<string, { seq: number; devices: number; captures: number }>();
  const devices = new Set<number>();
  let captures = 0;
  for (const row of perDevice) {
    const entry = models.get(row.model) ?? { seq: readCount(row.model_seq), devices: 0, captures: 0 };
    entry.devices += 1;
    entry.captures += readCount(row.captures);
    models.set(row.model, entry);
    devices.add(readCount(row.device_seq));
    captures += readCount(row.captures);
  }
  const keys = [...models.keys()].sort(compareKeys);
  // Device-model numbers in the vote text are the database's ("DeviceModelKey".seq): renumbered in key order.
  const numberOfSeq = new Map(keys.map((key, i) => [models.get(key)!.seq, i]));
  const modelNumber = (seq: number) => {
    const number = numberOfSeq.get(seq);
    if (number === undefined) throw new Error(`instability counts: a vote of device model ${seq} without observations`);
    return number;
  };

  const scenes = await tx.query<{ truth: unknown; votes: string }>(
    `SELECT s."labelIndex" AS truth, v.votes FROM (${rows.sceneVotes}) v JOIN "Scene" s ON s.seq = v.scene_seq`,
    params,
  );
  // Sent now, computed by the database while the votes are counted below.
  const within = tx.query<Record<string, unknown>>(
    `SELECT count(*)::int AS groups, count(*) FILTER (WHERE lowest <> highest)::int AS unstable
     FROM (SELECT min(label) AS lowest, max(label) AS highest FROM ${observations} o GROUP BY scene_seq, device_seq HAVING count(*) >= 2) g`,
    params,
  );
  within.catch(() => {}); // awaited below; a failure of the counting first must not leave it unhandled
  const tally = new SceneVoteTally(keys.length, k);
  for (const scene of scenes) {
    const packed = parseVoteText(scene.votes, modelNumber);
    tally.addScene(scene.truth === null || scene.truth === undefined ? null : readCount(scene.truth), packed);
  }
  const tallies = tally.result(keys);
  const [withinRow] = await within;

  return {
    k,
    captures,
    devices: devices.size,
    scenes: tallies.scenes,
    labelInstability: toRatio(tallies.unstableScenes, tallies.eligibleScenes),
    correctnessInstability: toRatio(tallies.correctnessUnstableScenes, tallies.groundTruthScenes),
    withinDeviceInstability: toRatio(readCount(withinRow?.unstable), readCount(withinRow?.groups)),
    pairwise: tallies.pairs.map((counts) => toPairwiseInstability(counts, k)),
    deviceModels: keys.map((key, i) => {
      const entry = models.get(key)!;
      const votes = tallies.models[i]!;
      return {
        key,
        devices: entry.devices,
        captures: entry.captures,
        scenes: votes.scenes,
        votesWithGroundTruth: votes.votesWithGroundTruth,
        correctVotes: votes.correctVotes,
        accuracy: toRatio(votes.correctVotes, votes.votesWithGroundTruth).value,
      };
    }),
  };
}
