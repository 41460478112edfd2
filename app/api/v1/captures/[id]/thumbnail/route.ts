// GET: a small JPEG preview of a capture's stored photo (longest side 160, 320 or 640 px), for the
// dashboards' galleries; researchers only. Made once, cached on disk by blob SHA-256 and size, immutable.
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getCaptureThumbnail, getThumbnailCache } from "@/lib/captures/capture-thumbnails";
import { thumbnailQuerySchema } from "@/lib/analytics/dashboard-schemas";
import { getPrisma } from "@/lib/db/database";
import { getServerEnv } from "@/lib/env/server-env";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const { size } = readQuery(request, thumbnailQuerySchema);
  const { id } = await context.params;
  const etag = request.headers.get("if-none-match");
  const thumbnail = await getCaptureThumbnail(await getPrisma(), getBlobStore(), getThumbnailCache(getServerEnv().dataDir), id, size);
  const tag = `"${thumbnail.sha256}-${thumbnail.size}"`;
  const headers = { "Content-Type": "image/jpeg", ETag: tag, "Cache-Control": "private, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff" };
  if (etag === tag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(thumbnail.bytes), { headers: { ...headers, "Content-Length": String(thumbnail.bytes.length) } });
});
