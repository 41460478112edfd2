// POST an image (raw JPEG/PNG/WebP body) → the server reference's prediction with its logits and
// tensor hash, for the given model. Researchers only.
import { AppError } from "@/lib/api/app-error";
import { withErrorResponses } from "@/lib/api/error-response";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { getServerEnv } from "@/lib/env/server-env";
import { classifyWithModel } from "@/lib/reference/classify-with-model";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const env = getServerEnv();
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > env.MAX_UPLOAD_BYTES) throw new AppError("payload_too_large", `Images are limited to ${env.MAX_UPLOAD_BYTES} bytes.`);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length === 0) throw new AppError("validation_failed", "Send the image bytes as the request body.");
  if (bytes.length > env.MAX_UPLOAD_BYTES) throw new AppError("payload_too_large", `Images are limited to ${env.MAX_UPLOAD_BYTES} bytes.`);
  const result = await classifyWithModel(await getPrisma(), id, bytes, env.MAX_IMAGE_PIXELS);
  return Response.json(result, { headers: { "Cache-Control": "no-store" } });
});
