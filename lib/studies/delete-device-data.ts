// Honouring a volunteer's deletion request (or a researcher's decision): the device's record, its
// captures and their predictions go, then the photo files no other row uses, with their
// thumbnails. Its device token stops working with the record. Returns what was removed.
import { AppError } from "@/lib/api/app-error";
import { forgetAllDeviceAuth } from "@/lib/auth/device-auth-cache";
import { forgetAllUploadContexts } from "@/lib/captures/upload-context-cache";
import type { Database } from "@/lib/db/open-database";
import type { BlobStore } from "@/lib/storage/blob-store";
import { describeDataDeletion } from "./describe-data-deletion";
import { removeUnreferencedBlobs, type BlobCandidate } from "./remove-unreferenced-blobs";
import type { DeletionResult } from "./workspace-schemas";

export async function deleteDeviceData(
  db: Pick<Database, "prisma" | "sql">,
  store: BlobStore,
  scope: { studyId: string; deviceId: string },
  options: { thumbnailsDir?: string } = {},
): Promise<DeletionResult> {
  const device = await db.prisma.device.findUnique({ where: { id: scope.deviceId }, select: { studyId: true } });
  if (!device || device.studyId !== scope.studyId) throw new AppError("not_found", `No device with id ${scope.deviceId} in this study.`);
  const deletionStartedAt = new Date();
  const deleted = await describeDataDeletion(db.sql, scope);
  const candidates = await db.sql.query<BlobCandidate>(`SELECT DISTINCT "blobKey" AS key, sha256 FROM "Capture" WHERE "studyId" = $1 AND "deviceId" = $2`, [scope.studyId, scope.deviceId]);
  await db.prisma.device.delete({ where: { id: scope.deviceId } });
  // Uploads in flight must see at once that the device (or study) is gone.
  forgetAllDeviceAuth();
  forgetAllUploadContexts();
  const removal = await removeUnreferencedBlobs(db.sql, store, candidates, { deletionStartedAt, thumbnailsDir: options.thumbnailsDir });
  return { deleted, blobsDeleted: removal.blobsDeleted, bytesFreed: removal.bytesFreed };
}
