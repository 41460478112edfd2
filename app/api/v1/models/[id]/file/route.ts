// The ONNX bytes of a model by id (immutable when ?v= is the start of its SHA-256). Public: phones fetch it.
import { withErrorResponses } from "@/lib/api/error-response";
import { getPrisma } from "@/lib/db/database";
import { modelFileResponse } from "@/lib/models/model-file-response";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const version = new URL(request.url).searchParams.get("v");
  return modelFileResponse(await getPrisma(), getBlobStore(), { idOrSha256: id, request, version });
});
