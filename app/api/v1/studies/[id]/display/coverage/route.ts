// GET: per-scene coverage of a controlled session (device models per scene, covered or not at ?target=N).
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { coverageQuerySchema, coverageReportSchema } from "@/lib/display/display-schemas";
import { getSceneCoverage } from "@/lib/display/scene-coverage";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = withErrorResponses(async (request: Request, context: Context) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const { target } = readQuery(request, coverageQuerySchema);
  return jsonResponse(coverageReportSchema, await getSceneCoverage(await getPrisma(), id, target));
});
