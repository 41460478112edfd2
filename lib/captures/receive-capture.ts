// The capture upload as the server runs it: ingestCaptureUpload with this process's database,
// blob store and limits; a stored capture wakes the reference worker and notifies listeners. While
// it runs it counts as an upload in flight (the reference worker gives way to uploads).
import "server-only";
import type { DeviceAuth } from "@/lib/auth/authenticate-request";
import { getDatabase } from "@/lib/db/database";
import { getServerEnv } from "@/lib/env/server-env";
import { wakeReferenceWorker } from "@/lib/reference/start-reference-inference";
import { getBlobStore } from "@/lib/storage/get-blob-store";
import { emitCaptureStored } from "./capture-events";
import { ingestCaptureUpload, type IngestResult } from "./ingest-capture";
import { trackUpload } from "./upload-activity";

export async function receiveCaptureUpload(request: Request, auth: DeviceAuth): Promise<IngestResult> {
  const done = trackUpload();
  try {
    return await ingest(request, auth);
  } finally {
    done();
  }
}

async function ingest(request: Request, auth: DeviceAuth): Promise<IngestResult> {
  const env = getServerEnv();
  const database = await getDatabase();
  return ingestCaptureUpload(
    {
      prisma: database.prisma,
      sql: database.sql,
      store: getBlobStore(),
      maxUploadBytes: env.MAX_UPLOAD_BYTES,
      maxImagePixels: env.MAX_IMAGE_PIXELS,
      onStored: (capture) => {
        wakeReferenceWorker();
        emitCaptureStored({ captureId: capture.id, studyId: capture.studyId, deviceId: capture.deviceId, sceneKey: capture.sceneKey, deviceModelKey: capture.deviceModelKey });
      },
    },
    auth,
    request,
  );
}
