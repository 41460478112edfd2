// PUT: a volunteer's phone corrects the scene of one of its own stored captures ({ sceneKey }).
import { z } from "zod";
import { AppError } from "@/lib/api/app-error";
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readJsonBody } from "@/lib/api/read-json-body";
import { requireDevice } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { correctCaptureScene } from "@/lib/display/correct-capture-scene";
import { correctedSceneSchema, correctSceneInputSchema } from "@/lib/display/display-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; clientCaptureId: string }> };

export const PUT = withErrorResponses(async (request: Request, context: Context) => {
  const device = await requireDevice(request);
  const { id, clientCaptureId } = await context.params;
  if (device.studyId !== id) throw new AppError("forbidden", "This device belongs to another study.", { reason: "other_study" });
  const captureId = z.uuid().safeParse(clientCaptureId);
  if (!captureId.success) throw new AppError("validation_failed", "The capture id must be the UUID the phone generated.");
  const { sceneKey } = await readJsonBody(request, correctSceneInputSchema);
  return jsonResponse(correctedSceneSchema, await correctCaptureScene(await getPrisma(), { studyId: id, deviceId: device.deviceId, clientCaptureId: captureId.data, sceneKey }));
});
