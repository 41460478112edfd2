// A one-off reference classification of an uploaded image with a registered model (researchers'
// "what does the server say about this photo?"), with the raw logits and tensor hash.
import "server-only";
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import { ImageTooLargeError } from "@/lib/inference/decode-image";
import { ImageFormatError } from "@/lib/inference/image-metadata";
import { findModel } from "@/lib/models/register-model";
import { classifyOnServer } from "./run-reference-inference";

export async function classifyWithModel(prisma: PrismaClient, idOrSha256: string, bytes: Uint8Array, maxPixels: number) {
  const model = await findModel(prisma, idOrSha256);
  if (!model) throw new AppError("not_found", `No model with id ${idOrSha256}.`);
  try {
    const result = await classifyOnServer(model, bytes, { maxPixels });
    return { prediction: result.prediction, decoded: result.decoded, tensorSha256: result.tensorSha256, logits: Array.from(result.logits) };
  } catch (error) {
    if (error instanceof ImageFormatError) throw new AppError("unsupported_media_type", error.message);
    if (error instanceof ImageTooLargeError) throw new AppError("payload_too_large", error.message);
    throw error;
  }
}
