// GET: the registered models. POST: add a model (multipart: file, labels, name, preset|preprocessing, topK),
// validated with onnxruntime-node. Researchers only.
import { AppError } from "@/lib/api/app-error";
import { withErrorResponses } from "@/lib/api/error-response";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { parseModelUpload } from "@/lib/models/parse-model-upload";
import { listModels, registerModel } from "@/lib/models/register-model";
import { ModelValidationError } from "@/lib/models/validate-onnx-model";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request) => {
  await requireResearcher(request);
  return Response.json({ models: await listModels(await getPrisma()) }, { headers: { "Cache-Control": "no-store" } });
});

export const POST = withErrorResponses(async (request: Request) => {
  await requireResearcher(request);
  const upload = await parseModelUpload(request);
  try {
    const { model, created } = await registerModel(await getPrisma(), getBlobStore(), { ...upload, source: "upload" });
    return Response.json({ model, created }, { status: created ? 201 : 200, headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof ModelValidationError) throw new AppError("unprocessable", error.message, { reason: error.reason });
    throw error;
  }
});
