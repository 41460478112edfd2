// GET one registered model (by id or SHA-256). Researchers only.
import { AppError } from "@/lib/api/app-error";
import { withErrorResponses } from "@/lib/api/error-response";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { findModel } from "@/lib/models/register-model";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const model = await findModel(await getPrisma(), id);
  if (!model) throw new AppError("not_found", `No model with id ${id}.`);
  return Response.json({ model }, { headers: { "Cache-Control": "no-store" } });
});
