// GET: a study's predictions in long format, paged (?source=device|reference, ?variant, ?limit, ?cursor).
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { listPredictions, listPredictionsQuerySchema, predictionPageSchema } from "@/lib/captures/list-predictions";
import { getPrisma } from "@/lib/db/database";
import { getStudyById } from "@/lib/studies/get-study";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const query = readQuery(request, listPredictionsQuerySchema);
  const prisma = await getPrisma();
  await getStudyById(prisma, id);
  return jsonResponse(predictionPageSchema, await listPredictions(prisma, id, query));
});
