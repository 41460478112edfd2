// Server-sent events of a study's display: an event `scene` with the followed scene (devices) or the
// display state with live counts (researchers) at once, on every publish and, for researchers, on
// every stored capture of the study. Phones read it with fetch (so the device token travels in the
// Authorization header) and fall back to polling GET /display when streaming fails. Without
// `Accept: text/event-stream` the current state is answered once, as JSON.
import { withErrorResponses } from "@/lib/api/error-response";
import { onCaptureStored } from "@/lib/captures/capture-events";
import { getPrisma } from "@/lib/db/database";
import { authorizeDisplayReader } from "@/lib/display/authorize-display-reader";
import { openDisplayEventStream } from "@/lib/display/display-event-stream";
import { getDisplayState, getFollowedScene, onDisplayPublished } from "@/lib/display/display-state";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = withErrorResponses(async (request: Request, context: Context) => {
  const { id } = await context.params;
  const reader = await authorizeDisplayReader(request, id);
  const prisma = await getPrisma();
  const read = reader.kind === "device" ? () => getFollowedScene(prisma, id) : () => getDisplayState(prisma, id);
  const first = await read(); // 404 before the stream opens
  // A client that does not ask for a stream (no Accept: text/event-stream) gets the state once.
  if (!(request.headers.get("accept") ?? "").includes("text/event-stream")) return Response.json(first, { headers: { "Cache-Control": "no-store" } });
  const stream = openDisplayEventStream({
    read,
    signal: request.signal,
    subscribe: (wake) => {
      const offPublish = onDisplayPublished(id, wake);
      const offCapture = reader.kind === "researcher" ? onCaptureStored((event) => event.studyId === id && wake()) : () => {};
      return () => {
        offPublish();
        offCapture();
      };
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" },
  });
});
