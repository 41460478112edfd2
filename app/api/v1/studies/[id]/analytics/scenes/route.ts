// GET: the divergent-scene gallery — unstable (or all eligible) scenes with every device model's
// vote, its deciding capture and the reference result; filtered, sorted, paged. ?format=csv: one row per vote.
import { respondWithChart } from "@/lib/analytics/chart-response";
import { divergentScenesQuerySchema, divergentScenesResponseSchema } from "@/lib/analytics/dashboard-schemas";
import { listDivergentScenes } from "@/lib/analytics/list-divergent-scenes";
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getDatabase } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const { format, ...query } = readQuery(request, divergentScenesQuerySchema);
  const { id } = await context.params;
  const { sql } = await getDatabase();
  return respondWithChart(divergentScenesResponseSchema, await listDivergentScenes(sql, id, query), format, `divergent-scenes-${id}`);
});
