// GET (device token): this device and its study (as at join), for a phone coming back.
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { limitDevice } from "@/lib/api/server-rate-limits";
import { requireDevice } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { deviceSelfViewSchema } from "@/lib/devices/device-schemas";
import { describeDeviceSelf } from "@/lib/devices/list-devices";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request) => {
  const { deviceId } = await requireDevice(request);
  limitDevice(deviceId);
  return jsonResponse(deviceSelfViewSchema, await describeDeviceSelf(await getPrisma(), deviceId));
});
