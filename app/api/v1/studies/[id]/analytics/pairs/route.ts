// GET: the scenes behind one heatmap cell — where device models a and b both voted and disagree —
// with both votes; ?format=csv downloads the same rows.
import { respondWithChart } from "@/lib/analytics/chart-response";
import { pairScenesQuerySchema, pairScenesResponseSchema } from "@/lib/analytics/dashboard-schemas";
import { listPairDisagreements } from "@/lib/analytics/list-pair-disagreements";
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getDatabase } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const { format, ...query } = readQuery(request, pairScenesQuerySchema);
  const { id } = await context.params;
  const { sql } = await getDatabase();
  return respondWithChart(pairScenesResponseSchema, await listPairDisagreements(sql, id, query), format, `pair-scenes-${id}`);
});
