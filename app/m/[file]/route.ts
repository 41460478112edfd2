// /m/<sha256>.onnx: a model file at its content-hashed, immutable URL. Public: phones fetch it.
import { AppError } from "@/lib/api/app-error";
import { withErrorResponses } from "@/lib/api/error-response";
import { getPrisma } from "@/lib/db/database";
import { modelFileResponse } from "@/lib/models/model-file-response";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ file: string }> }) => {
  const { file } = await context.params;
  const match = /^([0-9a-f]{64})\.onnx$/.exec(file);
  if (!match) throw new AppError("not_found", "Model files are named <sha256>.onnx.");
  return modelFileResponse(await getPrisma(), getBlobStore(), { idOrSha256: match[1]!, request, immutable: true });
});
