// Reading captures: a study's captures for researchers, a device's own captures for that device,
// one capture, its image, and a study's predictions in long format. Paged by id (UUIDv7, so id
// order is creation order), with an opaque cursor.
import { Readable } from "node:stream";
import { AppError } from "@/lib/api/app-error";
import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import { BlobNotFoundError, type BlobStore } from "@/lib/storage/blob-store";
import type { CaptureView, ListCapturesQuery } from "./capture-schemas";
import { CAPTURE_VIEW_INCLUDE, toCaptureView } from "./capture-views";

export function encodeCursor(value: string | number): string {
  return Buffer.from(String(value), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const value = Buffer.from(cursor, "base64url").toString("utf8");
  if (!value || value.length > 100 || !/^[\w-]+$/.test(value)) throw new AppError("validation_failed", "The cursor is not one this API gave out.", [{ path: "cursor", message: "invalid cursor" }]);
  return value;
}

export type CaptureScope = { studyId: string; deviceId?: string };

export async function listCaptures(prisma: PrismaClient, scope: CaptureScope, query: ListCapturesQuery): Promise<{ items: CaptureView[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor);
  const order = query.order;
  const where: Prisma.CaptureWhereInput = {
    studyId: scope.studyId,
    ...(scope.deviceId ? { deviceId: scope.deviceId } : query.deviceId ? { deviceId: query.deviceId } : {}),
    ...(query.sceneKey ? { scene: { key: query.sceneKey } } : {}),
    ...(query.deviceModelKey ? { deviceModelKey: query.deviceModelKey } : {}),
    ...(query.captureMethod ? { captureMethod: query.captureMethod } : {}),
    ...(after ? { id: order === "asc" ? { gt: after } : { lt: after } } : {}),
  };
  const rows = await prisma.capture.findMany({ where, orderBy: { id: order }, take: query.limit + 1, include: CAPTURE_VIEW_INCLUDE });
  const page = rows.slice(0, query.limit);
  return { items: page.map(toCaptureView), nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!.id) : null };
}

export async function getCapture(prisma: PrismaClient, id: string): Promise<CaptureView> {
  const row = await prisma.capture.findUnique({ where: { id }, include: CAPTURE_VIEW_INCLUDE });
  if (!row) throw new AppError("not_found", `No capture with id ${id}.`);
  return toCaptureView(row);
}

export type CaptureImage = { body: ReadableStream<Uint8Array>; mime: string; size: number; sha256: string };

/** The stored photo (location removed) of a capture. */
export async function openCaptureImage(prisma: PrismaClient, store: BlobStore, id: string): Promise<CaptureImage> {
  const row = await prisma.capture.findUnique({ where: { id }, select: { blobKey: true, mime: true, sizeBytes: true, sha256: true } });
  if (!row) throw new AppError("not_found", `No capture with id ${id}.`);
  try {
    const stream = await store.stream(row.blobKey);
    return { body: Readable.toWeb(stream) as ReadableStream<Uint8Array>, mime: row.mime, size: row.sizeBytes, sha256: row.sha256 };
  } catch (error) {
    if (error instanceof BlobNotFoundError) throw new AppError("internal", "The stored photo of this capture is missing.", { reason: "blob_missing" });
    throw error;
  }
}
