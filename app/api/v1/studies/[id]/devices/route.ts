// GET: a study's devices, each with its device-model key and how it was identified.
import { z } from "zod";
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { deviceViewSchema } from "@/lib/devices/device-schemas";
import { listDevices } from "@/lib/devices/list-devices";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const { id } = await context.params;
  return jsonResponse(z.object({ devices: z.array(deviceViewSchema) }), { devices: await listDevices(await getPrisma(), id) });
});
