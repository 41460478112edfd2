// GET: one capture with its predictions (researchers).
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { captureViewSchema } from "@/lib/captures/capture-schemas";
import { getCapture } from "@/lib/captures/list-captures";
import { getPrisma } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const { id } = await context.params;
  return jsonResponse(captureViewSchema, await getCapture(await getPrisma(), id));
});
