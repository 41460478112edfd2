// Resolves the study an analytics request names (404 when there is none) and turns its query into
// the capture scope the SQL reads, plus the filters echoed back in every response.
import "server-only";
import { AppError } from "@/lib/api/app-error";
import type { SqlExecutor } from "@/lib/db/sql-driver";
import type { CaptureScope, InstabilityFilters } from "@/lib/instability/sql/instability-filters";
import type { AnalyticsQuery } from "./analytics-schemas";

export type StudyScope = { scope: CaptureScope; labels: string[]; filters: AppliedFilters };
export type AppliedFilters = { from?: string; to?: string; deviceModels?: string[]; backends?: string[]; captureMethods?: string[] };

export async function resolveStudyScope(sql: SqlExecutor, studyId: string, query: AnalyticsQuery): Promise<StudyScope> {
  const [study] = await sql.query<{ labels: unknown }>(`SELECT m.labels FROM "Study" s JOIN "Model" m ON m.id = s."modelId" WHERE s.id = $1`, [studyId]);
  if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
  const labels = Array.isArray(study.labels) ? study.labels.map(String) : [];
  const filters: InstabilityFilters = {
    from: query.from,
    to: query.to,
    deviceModels: query.deviceModels,
    backends: query.backends,
    captureMethods: query.captureMethods,
  };
  const applied: AppliedFilters = {};
  if (filters.from) applied.from = filters.from.toISOString();
  if (filters.to) applied.to = filters.to.toISOString();
  if (filters.deviceModels) applied.deviceModels = filters.deviceModels;
  if (filters.backends) applied.backends = filters.backends;
  if (filters.captureMethods) applied.captureMethods = filters.captureMethods;
  return { scope: { studyId, source: query.source, filters }, labels, filters: applied };
}
