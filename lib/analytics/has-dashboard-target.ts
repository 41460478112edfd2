// Whether a dashboard address names a study (and, for a scene page, a scene of that study): the
// cheap check a dashboard page makes before it streams anything, so an unknown one is a real 404.
import "server-only";
import type { SqlExecutor } from "@/lib/db/sql-driver";

export async function hasDashboardTarget(sql: SqlExecutor, studyId: string, sceneId?: string): Promise<boolean> {
  const rows = sceneId
    ? await sql.query(`SELECT 1 FROM "Scene" WHERE id = $1 AND "studyId" = $2`, [sceneId, studyId])
    : await sql.query(`SELECT 1 FROM "Study" WHERE id = $1`, [studyId]);
  return rows.length > 0;
}
