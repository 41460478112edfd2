// GET (device token): this device's own captures with their results (the server reference once done).
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { limitDevice } from "@/lib/api/server-rate-limits";
import { requireDevice } from "@/lib/auth/require-researcher";
import { capturePageSchema, listCapturesQuerySchema } from "@/lib/captures/capture-schemas";
import { listCaptures } from "@/lib/captures/list-captures";
import { getPrisma } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request) => {
  const device = await requireDevice(request);
  limitDevice(device.deviceId);
  const query = readQuery(request, listCapturesQuerySchema.omit({ deviceId: true }));
  return jsonResponse(capturePageSchema, await listCaptures(await getPrisma(), device, query));
});
