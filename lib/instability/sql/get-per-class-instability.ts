// Per-class instability from the scene facts built in the database (class = ground truth, else the
// majority vote with ties to the smallest class), as ../compute-per-class-instability.ts defines it.
import type { SqlDriver } from "@/lib/db/sql-driver";
import type { ClassInstability } from "../compute-per-class-instability";
import { toRatio } from "../types";
import type { CaptureScope } from "./instability-filters";
import { inOneSnapshot, prepareVoteTables } from "./prepare-vote-tables";
import { readCount } from "./read-count";

export async function getPerClassInstability(sql: SqlDriver, scope: CaptureScope): Promise<ClassInstability[]> {
  const rows = await inOneSnapshot(sql, async (tx) => {
    await prepareVoteTables(tx, scope);
    return tx.query<Record<string, unknown>>(
      `SELECT COALESCE(ground_truth, majority_label) AS class_index, count(*)::int AS eligible,
              count(*) FILTER (WHERE is_unstable)::int AS unstable, count(*) FILTER (WHERE ground_truth IS NOT NULL)::int AS by_truth
       FROM px_scenes WHERE is_eligible GROUP BY 1 ORDER BY 1`,
    );
  });
  return rows.map((row) => {
    const eligible = readCount(row.eligible);
    const unstable = readCount(row.unstable);
    return {
      classIndex: readCount(row.class_index),
      eligibleScenes: eligible,
      unstableScenes: unstable,
      instability: toRatio(unstable, eligible).value,
      scenesByGroundTruth: readCount(row.by_truth),
    };
  });
}
