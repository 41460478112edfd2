// A study's predictions in long format (one row per prediction, with its capture's scene and
// device model), paged by prediction id. For scripts that want the raw numbers.
import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import { PREDICTION_SOURCES, PREDICTION_VARIANTS } from "@/lib/predictions/prediction-payload";
import { predictionViewSchema } from "./capture-schemas";
import { toPredictionView } from "./capture-views";
import { decodeCursor, encodeCursor } from "./list-captures";

export const listPredictionsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  cursor: z.string().max(200).optional(),
  source: z.enum(PREDICTION_SOURCES).optional(),
  variant: z.enum(PREDICTION_VARIANTS).optional(),
});
export type ListPredictionsQuery = z.infer<typeof listPredictionsQuerySchema>;

export const predictionRowSchema = predictionViewSchema.extend({
  id: z.number().int(),
  captureId: z.string(),
  clientCaptureId: z.string(),
  sceneKey: z.string(),
  deviceId: z.string(),
  deviceModelKey: z.string(),
  captureMethod: z.string(),
});

export const predictionPageSchema = z.object({ items: z.array(predictionRowSchema), nextCursor: z.string().nullable() });
export type PredictionPage = z.infer<typeof predictionPageSchema>;

export async function listPredictions(prisma: PrismaClient, studyId: string, query: ListPredictionsQuery): Promise<PredictionPage> {
  const after = decodeCursor(query.cursor);
  const afterId = after === undefined ? undefined : Number.parseInt(after, 10);
  const rows = await prisma.prediction.findMany({
    where: { studyId, ...(query.source ? { source: query.source } : {}), ...(query.variant ? { variant: query.variant } : {}), ...(afterId !== undefined && Number.isFinite(afterId) ? { id: { gt: afterId } } : {}) },
    orderBy: { id: "asc" },
    take: query.limit + 1,
    include: { capture: { select: { clientCaptureId: true, deviceId: true, deviceModelKey: true, captureMethod: true, scene: { select: { key: true } } } } },
  });
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((row) => ({
      ...toPredictionView(row),
      id: row.id,
      captureId: row.captureId,
      clientCaptureId: row.capture.clientCaptureId,
      sceneKey: row.capture.scene.key,
      deviceId: row.capture.deviceId,
      deviceModelKey: row.capture.deviceModelKey,
      captureMethod: row.capture.captureMethod,
    })),
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!.id) : null,
  };
}
