// DELETE: delete one device's data in a study (honouring a volunteer's deletion request): the
// device record, its captures and predictions, and the photo files no other row uses.
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { thumbnailCacheDir } from "@/lib/captures/capture-thumbnails";
import { getDatabase } from "@/lib/db/database";
import { getServerEnv } from "@/lib/env/server-env";
import { getBlobStore } from "@/lib/storage/get-blob-store";
import { deleteDeviceData } from "@/lib/studies/delete-device-data";
import { deletionResultSchema } from "@/lib/studies/workspace-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const DELETE = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string; deviceId: string }> }) => {
  await requireResearcher(request);
  const { id, deviceId } = await context.params;
  const result = await deleteDeviceData(await getDatabase(), getBlobStore(), { studyId: id, deviceId }, { thumbnailsDir: thumbnailCacheDir(getServerEnv().dataDir) });
  return jsonResponse(deletionResultSchema, result);
});
