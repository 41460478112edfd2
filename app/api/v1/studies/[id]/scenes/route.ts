// GET: a study's scenes in order. POST: add scenes in bulk ({ scenes: [{ key, label? }] } or the array).
import { z } from "zod";
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readJsonBody } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { addScenes, listScenes } from "@/lib/studies/add-scenes";
import { getStudyById } from "@/lib/studies/get-study";
import { addScenesInputSchema, addScenesResultSchema, sceneViewSchema } from "@/lib/studies/study-schemas";
import { toSceneView } from "@/lib/studies/study-views";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = withErrorResponses(async (request: Request, context: Context) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const prisma = await getPrisma();
  await getStudyById(prisma, id);
  return jsonResponse(z.object({ scenes: z.array(sceneViewSchema) }), { scenes: (await listScenes(prisma, id)).map(toSceneView) });
});

export const POST = withErrorResponses(async (request: Request, context: Context) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const scenes = await readJsonBody(request, addScenesInputSchema, { maxBytes: 4 * 1024 * 1024 });
  const result = await addScenes(await getPrisma(), id, scenes);
  return jsonResponse(addScenesResultSchema, { created: result.created, updated: result.updated, scenes: result.scenes.map((scene) => toSceneView(scene)) });
});
