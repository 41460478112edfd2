// POST (device token): the volunteer asks for this device's data to be deleted.
import { z } from "zod";
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { limitDevice } from "@/lib/api/server-rate-limits";
import { requireDevice } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { deviceViewSchema } from "@/lib/devices/device-schemas";
import { requestDeviceDeletion } from "@/lib/devices/list-devices";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = withErrorResponses(async (request: Request) => {
  const { deviceId } = await requireDevice(request);
  limitDevice(deviceId);
  return jsonResponse(z.object({ device: deviceViewSchema }), { device: await requestDeviceDeletion(await getPrisma(), deviceId) });
});
