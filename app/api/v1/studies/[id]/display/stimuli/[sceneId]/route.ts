// GET: a scene's stimulus image (researchers: the display page draws it). Immutable per content.
import { Readable } from "node:stream";
import { withErrorResponses } from "@/lib/api/error-response";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { findStimulus } from "@/lib/display/display-state";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; sceneId: string }> };

export const GET = withErrorResponses(async (request: Request, context: Context) => {
  await requireResearcher(request);
  const { id, sceneId } = await context.params;
  const stimulus = await findStimulus(await getPrisma(), id, sceneId);
  const stream = await getBlobStore().stream(stimulus.blobKey);
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
    headers: { "Content-Type": stimulus.mime, "Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff", ...(stimulus.sha256 ? { ETag: `"${stimulus.sha256}"` } : {}) },
  });
});
