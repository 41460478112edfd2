// GET: everything known about one scene — ground truth, every capture with every prediction, and
// under the filters each device model's vote and the scene's status.
import { instabilityQuerySchema } from "@/lib/analytics/analytics-schemas";
import { sceneReportResponseSchema } from "@/lib/analytics/dashboard-schemas";
import { getSceneReport } from "@/lib/analytics/get-scene-report";
import { withErrorResponses } from "@/lib/api/error-response";
import { jsonResponse } from "@/lib/api/json-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getDatabase } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string; sceneId: string }> }) => {
  await requireResearcher(request);
  const query = readQuery(request, instabilityQuerySchema);
  const { id, sceneId } = await context.params;
  const { sql } = await getDatabase();
  return jsonResponse(sceneReportResponseSchema, await getSceneReport(sql, id, sceneId, query));
});
