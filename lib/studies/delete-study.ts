// Deleting a study for good: it is closed first (no join or upload can start while it goes), then
// its rows go in one statement (scenes, devices, captures and predictions cascade), then the
// photo and stimulus files no other row uses, with their thumbnails. Returns what was removed.
import { AppError } from "@/lib/api/app-error";
import { forgetAllDeviceAuth } from "@/lib/auth/device-auth-cache";
import { forgetAllUploadContexts } from "@/lib/captures/upload-context-cache";
import type { Database } from "@/lib/db/open-database";
import type { BlobStore } from "@/lib/storage/blob-store";
import { describeDataDeletion } from "./describe-data-deletion";
import { removeUnreferencedBlobs, type BlobCandidate } from "./remove-unreferenced-blobs";
import type { DeletionResult } from "./workspace-schemas";

export async function deleteStudy(
  db: Pick<Database, "prisma" | "sql">,
  store: BlobStore,
  studyId: string,
  options: { confirmCode?: string; thumbnailsDir?: string } = {},
): Promise<DeletionResult> {
  const study = await db.prisma.study.findUnique({ where: { id: studyId }, select: { code: true } });
  if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
  if (options.confirmCode !== undefined && options.confirmCode.trim().toUpperCase() !== study.code) {
    throw new AppError("validation_failed", "The confirmation does not match the study's join code.", [{ path: "confirm", message: `type ${study.code}` }]);
  }
  await db.prisma.study.update({ where: { id: studyId }, data: { status: "closed" } });
  const deletionStartedAt = new Date();
  const deleted = await describeDataDeletion(db.sql, { studyId });
  const candidates = [
    ...(await db.sql.query<BlobCandidate>(`SELECT DISTINCT "blobKey" AS key, sha256 FROM "Capture" WHERE "studyId" = $1`, [studyId])),
    ...(await db.sql.query<BlobCandidate>(`SELECT DISTINCT "stimulusBlobKey" AS key, "stimulusBlobKey" AS sha256 FROM "Scene" WHERE "studyId" = $1 AND "stimulusBlobKey" IS NOT NULL`, [studyId])),
  ];
  await db.prisma.study.delete({ where: { id: studyId } });
  // Uploads in flight must see at once that the device (or study) is gone.
  forgetAllDeviceAuth();
  forgetAllUploadContexts();
  const removal = await removeUnreferencedBlobs(db.sql, store, candidates, { deletionStartedAt, thumbnailsDir: options.thumbnailsDir });
  return { deleted, blobsDeleted: removal.blobsDeleted, bytesFreed: removal.bytesFreed };
}
