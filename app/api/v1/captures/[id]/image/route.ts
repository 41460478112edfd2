// GET: the stored photo of a capture (location removed), researchers only. ETag = its SHA-256.
import { withErrorResponses } from "@/lib/api/error-response";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { openCaptureImage } from "@/lib/captures/list-captures";
import { getPrisma } from "@/lib/db/database";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const image = await openCaptureImage(await getPrisma(), getBlobStore(), id);
  const etag = `"${image.sha256}"`;
  const headers = { "Content-Type": image.mime, ETag: etag, "Cache-Control": "private, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff" };
  if (request.headers.get("if-none-match") === etag) {
    await image.body.cancel();
    return new Response(null, { status: 304, headers });
  }
  return new Response(image.body, { headers: { ...headers, "Content-Length": String(image.size) } });
});
