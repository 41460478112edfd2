// POST (device token): upload a capture — multipart `meta` (JSON) then `image`. 201 when stored,
// 200 with the stored capture when this clientCaptureId was already stored.
import { withErrorResponses } from "@/lib/api/error-response";
import { limitClientIp, limitDevice } from "@/lib/api/server-rate-limits";
import { requireDevice } from "@/lib/auth/require-researcher";
import type { z } from "zod";
import type { uploadedCaptureSchema } from "@/lib/captures/capture-schemas";
import { receiveCaptureUpload } from "@/lib/captures/receive-capture";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = withErrorResponses(async (request: Request) => {
  limitClientIp(request);
  const device = await requireDevice(request);
  limitDevice(device.deviceId);
  const result = await receiveCaptureUpload(request, device);
  // The hot path: the body is typed as the documented schema rather than re-validated at run time.
  const body: z.infer<typeof uploadedCaptureSchema> = { capture: result.capture, duplicate: result.duplicate };
  // no-transform: the reply is a couple of KB of JSON; gzipping it for every upload (Next.js
  // compresses whatever the client accepts) costs the server more than it saves the phone.
  return Response.json(body, { status: result.status, headers: { "Cache-Control": "no-store, no-transform" } });
});
