// GET /api/v1/studies/{id}/instability: the study's instability report (PRODUCT.md's fields, each
// metric with its counts), computed in the database.
import "server-only";
import type { SqlDriver } from "@/lib/db/sql-driver";
import { getInstabilityReport } from "@/lib/instability/sql/get-instability-report";
import type { AnalyticsQuery, StudyInstability } from "./analytics-schemas";
import { resolveStudyScope } from "./study-scope";

export async function getStudyInstability(sql: SqlDriver, studyId: string, query: AnalyticsQuery): Promise<StudyInstability> {
  const { scope, filters } = await resolveStudyScope(sql, studyId, query);
  const report = await getInstabilityReport(sql, scope, { k: query.k });
  return { studyId, source: query.source, filters, ...report };
}
