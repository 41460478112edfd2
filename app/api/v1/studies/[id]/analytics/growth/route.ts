// GET: instability as the number of device models grows (mean over seeded random subsets); ?format=csv downloads the same numbers.
import { growthQuerySchema, growthResponseSchema } from "@/lib/analytics/analytics-schemas";
import { respondWithChart } from "@/lib/analytics/chart-response";
import { getGrowthCurve } from "@/lib/analytics/get-study-charts";
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getDatabase } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const query = readQuery(request, growthQuerySchema);
  const { id } = await context.params;
  const { sql } = await getDatabase();
  return respondWithChart(growthResponseSchema, await getGrowthCurve(sql, id, query), query.format, `growth-${id}`);
});
