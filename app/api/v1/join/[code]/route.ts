// GET: the study's public description for the consent screen (creates nothing).
// POST: join as a new device → { deviceToken, deviceId, study } (the study with its model).
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readJsonBody } from "@/lib/api/read-json-body";
import { limitClientIp, limitJoin } from "@/lib/api/server-rate-limits";
import { getPrisma } from "@/lib/db/database";
import { readClientHintHeaders } from "@/lib/devices/device-info";
import { joinStudyInputSchema, joinStudyResultSchema } from "@/lib/devices/device-schemas";
import { joinStudy } from "@/lib/devices/join-study";
import { getJoinPreview, joinPreviewSchema } from "@/lib/studies/get-join-preview";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ code: string }> };

export const GET = withErrorResponses(async (request: Request, context: Context) => {
  limitClientIp(request);
  const { code } = await context.params;
  return jsonResponse(joinPreviewSchema, await getJoinPreview(await getPrisma(), code));
});

export const POST = withErrorResponses(async (request: Request, context: Context) => {
  limitClientIp(request);
  limitJoin(request);
  const { code } = await context.params;
  const input = await readJsonBody(request, joinStudyInputSchema, { emptyAsObject: true, maxBytes: 64 * 1024 });
  const joined = await joinStudy(await getPrisma(), code, input, { userAgent: request.headers.get("user-agent"), clientHints: readClientHintHeaders(request.headers) });
  return jsonResponse(joinStudyResultSchema, joined, { status: 201 });
});
