// Instability as device models are added, from votes aggregated in the database; the subsets are
// drawn in memory by ../compute-instability-growth.ts (identical to the pure path).
import type { SqlDriver } from "@/lib/db/sql-driver";
import { buildVoteMatrix, computeInstabilityGrowth, type GrowthOptions, type InstabilityGrowthPoint } from "../compute-instability-growth";
import type { CaptureScope } from "./instability-filters";
import { prepareVoteTables } from "./prepare-vote-tables";

export async function getInstabilityGrowth(sql: SqlDriver, scope: CaptureScope, options: GrowthOptions = {}): Promise<InstabilityGrowthPoint[]> {
  const votes = await sql.transaction(async (tx) => {
    await prepareVoteTables(tx, scope);
    return tx.query<{ sceneId: string; deviceModelKey: string; label: number }>(
      `SELECT scene_id AS "sceneId", model AS "deviceModelKey", label FROM px_votes`,
    );
  });
  return computeInstabilityGrowth(buildVoteMatrix(votes), options);
}
