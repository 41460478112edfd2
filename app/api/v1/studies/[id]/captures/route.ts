// GET: a study's captures with their predictions, paged (?limit, ?cursor, filters).
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { capturePageSchema, listCapturesQuerySchema } from "@/lib/captures/capture-schemas";
import { listCaptures } from "@/lib/captures/list-captures";
import { getPrisma } from "@/lib/db/database";
import { getStudyById } from "@/lib/studies/get-study";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const query = readQuery(request, listCapturesQuerySchema);
  const prisma = await getPrisma();
  await getStudyById(prisma, id);
  return jsonResponse(capturePageSchema, await listCaptures(prisma, { studyId: id }, query));
});
