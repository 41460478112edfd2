// POST (admin): collect orphan blobs now (?graceSeconds=0 collects every unreferenced blob).
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { blobCleanupQuerySchema, blobCleanupResultSchema } from "@/lib/api/openapi/operations/admin";
import { requireAdmin } from "@/lib/auth/require-researcher";
import { runBlobCleanup } from "@/lib/storage/schedule-blob-cleanup";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = withErrorResponses(async (request: Request) => {
  await requireAdmin(request);
  const { graceSeconds } = readQuery(request, blobCleanupQuerySchema);
  return jsonResponse(blobCleanupResultSchema, await runBlobCleanup(graceSeconds * 1000));
});
