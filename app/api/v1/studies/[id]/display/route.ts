// GET: the scene the study's monitor shows now (a device token of the study sees only that; a
// researcher also gets the scenes and the current scene's live capture counts). PUT: publish the
// scene the monitor shows ({ sceneKey }), researchers only; joined phones follow it.
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readJsonBody } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { authorizeDisplayReader } from "@/lib/display/authorize-display-reader";
import { displayStateSchema, followedSceneSchema, publishDisplaySceneInputSchema } from "@/lib/display/display-schemas";
import { getDisplayState, getFollowedScene, publishDisplayScene } from "@/lib/display/display-state";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = withErrorResponses(async (request: Request, context: Context) => {
  const { id } = await context.params;
  const reader = await authorizeDisplayReader(request, id);
  const prisma = await getPrisma();
  if (reader.kind === "device") return jsonResponse(followedSceneSchema, await getFollowedScene(prisma, id));
  return jsonResponse(displayStateSchema, await getDisplayState(prisma, id));
});

export const PUT = withErrorResponses(async (request: Request, context: Context) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const { sceneKey } = await readJsonBody(request, publishDisplaySceneInputSchema);
  return jsonResponse(displayStateSchema, await publishDisplayScene(await getPrisma(), id, sceneKey));
});
