// GET: the study's instability report (label, correctness and within-device instability with
// bootstrap intervals, pairwise instability, per-device-model accuracy), each with its counts.
import { instabilityQuerySchema, instabilityResponseSchema } from "@/lib/analytics/analytics-schemas";
import { getStudyInstability } from "@/lib/analytics/get-study-instability";
import { withErrorResponses } from "@/lib/api/error-response";
import { jsonResponse } from "@/lib/api/json-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getDatabase } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const query = readQuery(request, instabilityQuerySchema);
  const { id } = await context.params;
  const { sql } = await getDatabase();
  return jsonResponse(instabilityResponseSchema, await getStudyInstability(sql, id, query));
});
