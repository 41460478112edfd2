// Instability as device models are added, from votes aggregated in the database; the subsets are
// drawn in memory by ../compute-instability-growth.ts (identical to the pure path).
import type { SqlDriver } from "@/lib/db/sql-driver";
import { buildVoteMatrix, computeInstabilityGrowth, type GrowthOptions, type InstabilityGrowthPoint } from "../compute-instability-growth";
import type { CaptureScope } from "./instability-filters";
import { inOneSnapshot, prepareVoteTables } from "./prepare-vote-tables";

export async function getInstabilityGrowth(sql: SqlDriver, scope: CaptureScope, options: GrowthOptions = {}): Promise<InstabilityGrowthPoint[]> {
  const votes = await inOneSnapshot(sql, async (tx) => {
    await prepareVoteTables(tx, scope);
    return tx.query<{ sceneId: string; deviceModelKey: string; label: number }>(
      `SELECT s.scene_id AS "sceneId", k.key AS "deviceModelKey", v.label
       FROM px_votes v JOIN px_scenes s ON s.scene_seq = v.scene_seq JOIN "DeviceModelKey" k ON k.seq = v.model_seq`,
    );
  });
  return computeInstabilityGrowth(buildVoteMatrix(votes), options);
}
