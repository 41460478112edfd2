// Which model a new study runs: the one asked for, or the default (the oldest built-in model, else
// the oldest model). A clear error when there is none yet.
import { AppError } from "@/lib/api/app-error";
import type { Model, PrismaClient } from "@/lib/db/generated/client";

export async function resolveStudyModel(prisma: PrismaClient, modelId?: string): Promise<Model> {
  if (modelId !== undefined) {
    const model = await prisma.model.findUnique({ where: { id: modelId } });
    if (!model) throw new AppError("unprocessable", `No model with id ${modelId}.`, [{ path: "modelId", message: "unknown model" }]);
    return model;
  }
  const model =
    (await prisma.model.findFirst({ where: { isBuiltin: true }, orderBy: { createdAt: "asc" } })) ??
    (await prisma.model.findFirst({ orderBy: { createdAt: "asc" } }));
  if (!model) throw new AppError("unprocessable", "No model is registered yet; add one (npm run model:add) and try again.", { reason: "no_model" });
  return model;
}
