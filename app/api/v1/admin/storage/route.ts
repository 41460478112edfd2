// GET (admin): row counts per table and the blobs on disk.
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { requireAdmin } from "@/lib/auth/require-researcher";
import { getDatabase } from "@/lib/db/database";
import { describeStorage, storageDescriptionSchema } from "@/lib/storage/describe-storage";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request) => {
  await requireAdmin(request);
  return jsonResponse(storageDescriptionSchema, await describeStorage((await getDatabase()).sql, getBlobStore()));
});
