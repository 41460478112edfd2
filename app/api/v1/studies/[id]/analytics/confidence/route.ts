// GET: histograms of top-1 confidence per device model; ?format=csv downloads the same numbers.
import { confidenceQuerySchema, confidenceResponseSchema } from "@/lib/analytics/analytics-schemas";
import { respondWithChart } from "@/lib/analytics/chart-response";
import { getConfidenceDistribution } from "@/lib/analytics/get-study-charts";
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getDatabase } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const query = readQuery(request, confidenceQuerySchema);
  const { id } = await context.params;
  const { sql } = await getDatabase();
  return respondWithChart(confidenceResponseSchema, await getConfidenceDistribution(sql, id, query), query.format, `confidence-${id}`);
});
