// GET: a study's live view for the workspace (counters, newest captures with thumbnails and top-1,
// devices with how each was identified); the study page polls it every few seconds.
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { getStudyLive } from "@/lib/studies/get-study-live";
import { studyLiveQuerySchema, studyLiveSchema } from "@/lib/studies/workspace-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const query = readQuery(request, studyLiveQuerySchema);
  const { id } = await context.params;
  return jsonResponse(studyLiveSchema, await getStudyLive(await getPrisma(), id, query));
});
