// GET: captures per time bucket (with active devices and device models) under the filters; ?format=csv downloads the same numbers.
import { analyticsQuerySchema } from "@/lib/analytics/analytics-schemas";
import { respondWithChart } from "@/lib/analytics/chart-response";
import { activityResponseSchema } from "@/lib/analytics/dashboard-schemas";
import { getCaptureActivity } from "@/lib/analytics/get-capture-activity";
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getDatabase } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const { format, ...query } = readQuery(request, analyticsQuerySchema);
  const { id } = await context.params;
  const { sql } = await getDatabase();
  return respondWithChart(activityResponseSchema, await getCaptureActivity(sql, id, query), format, `activity-${id}`);
});
