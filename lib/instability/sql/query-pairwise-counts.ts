// Pairwise counts of every pair of device models from the vote tables (./prepare-vote-tables.ts,
// prepared with the report's top-k). The database sends one row per eligible scene: its ground
// truth and its votes as one short text (device model number, label, top-k list); the pairs are
// counted by ../count-scene-pairs.ts. Counting in SQL needs one joined row per (scene, pair of
// voters): 12 M of them for 20 000 scenes seen by 35 device models each, tens of seconds in
// PostgreSQL, against well under a second for the kernel. Counts are exactly those of
// ../compute-pairwise-instability.ts (checked by a database test on PGlite and PostgreSQL).
import type { SqlExecutor } from "@/lib/db/sql-driver";
import type { PairwiseCounts } from "../compute-pairwise-instability";
import { parseVoteText, ScenePairCounter } from "../count-scene-pairs";
import { compareKeys } from "../types";
import { readCount } from "./read-count";

/**
 * Every unordered pair of `models` (the device models with votes, by key and px_votes.model_seq;
 * sorted by a, b), with its counts; k is the top-k size px_votes.top_k was prepared with.
 */
export async function queryPairwiseCounts(
  tx: SqlExecutor,
  models: ReadonlyArray<{ key: string; seq: number }>,
  k: number,
): Promise<PairwiseCounts[]> {
  const sorted = [...models].sort((a, b) => compareKeys(a.key, b.key));
  if (sorted.length < 2) return [];
  const numbers = sorted.map((_, i) => `($${2 * i + 1}::int, $${2 * i + 2}::int)`).join(", ");
  const rows = await tx.query<{ truth: unknown; votes: string }>(
    // The vote text: "number label top1 top2 …" per vote (array_to_string leaves NULL entries out);
    // one array_to_string per vote is ~8 % cheaper than concatenating each number's text.
    `SELECT s.ground_truth AS truth,
            string_agg(array_to_string(ARRAY[m.number, v.label] || v.top_k, ' '), ',') AS votes
     FROM px_votes v
     JOIN px_scenes s ON s.scene_seq = v.scene_seq AND s.is_eligible
     JOIN (VALUES ${numbers}) AS m(seq, number) ON m.seq = v.model_seq
     GROUP BY v.scene_seq, s.ground_truth`,
    sorted.flatMap((model, i) => [model.seq, i]),
  );
  const counter = new ScenePairCounter(sorted.length, k);
  for (const row of rows) counter.addScene(row.truth === null || row.truth === undefined ? null : readCount(row.truth), parseVoteText(row.votes));
  return counter.rows(sorted.map((model) => model.key));
}
