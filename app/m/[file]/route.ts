// /m/<sha256>.onnx: a model file at its content-hashed, immutable URL; /m/<sha256>.onnx.gz: the same
// model gzip-compressed (made once, kept under DATA_DIR). Public: phones fetch them.
import { AppError } from "@/lib/api/app-error";
import { withErrorResponses } from "@/lib/api/error-response";
import { getPrisma } from "@/lib/db/database";
import { getServerEnv } from "@/lib/env/server-env";
import { modelFileResponse, modelGzipFileResponse } from "@/lib/models/model-file-response";
import { getModelGzipCache } from "@/lib/models/model-gzip-cache";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ file: string }> }) => {
  const { file } = await context.params;
  const match = /^([0-9a-f]{64})\.onnx(\.gz)?$/.exec(file);
  if (!match) throw new AppError("not_found", "Model files are named <sha256>.onnx or <sha256>.onnx.gz.");
  const sha256 = match[1]!;
  if (match[2]) return modelGzipFileResponse(await getPrisma(), getBlobStore(), getModelGzipCache(getServerEnv().dataDir), { sha256, request });
  return modelFileResponse(await getPrisma(), getBlobStore(), { idOrSha256: sha256, request, immutable: true });
});
