// The compression probe of a study: GET how far it is; POST asks this server to probe every
// capture not probed yet (in the background, after the normal reference inference) → 202.
import { compressionProbeStatusSchema } from "@/lib/analytics/analytics-schemas";
import { getCompressionProbeStatus, requestCompressionProbe } from "@/lib/analytics/compression-probe-status";
import { withErrorResponses } from "@/lib/api/error-response";
import { jsonResponse } from "@/lib/api/json-response";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getDatabase } from "@/lib/db/database";
import { getCompressionProbeRunner } from "@/lib/reference/start-reference-inference";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = withErrorResponses(async (request: Request, context: Context) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const { sql } = await getDatabase();
  return jsonResponse(compressionProbeStatusSchema, await getCompressionProbeStatus(sql, await getCompressionProbeRunner(), id));
});

export const POST = withErrorResponses(async (request: Request, context: Context) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const { sql } = await getDatabase();
  return jsonResponse(compressionProbeStatusSchema, await requestCompressionProbe(sql, await getCompressionProbeRunner(), id), { status: 202 });
});
