// GET: a dataset export of the study as a ZIP streamed while it is built (images grouped by scene,
// metadata.jsonl for Hugging Face imagefolder, predictions.csv, scenes.csv, README.md), or with
// estimate=1 its size estimate as JSON. Researchers only.
import { withErrorResponses } from "@/lib/api/error-response";
import { jsonResponse } from "@/lib/api/json-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getDatabase } from "@/lib/db/database";
import { exportEstimateSchema, exportQuerySchema } from "@/lib/export/export-schemas";
import { exportStudyDataset } from "@/lib/export/export-study-dataset";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const query = readQuery(request, exportQuerySchema);
  const { id } = await context.params;
  const { sql } = await getDatabase();
  const result = await exportStudyDataset(sql, getBlobStore(), id, query);
  if (result.kind === "estimate") return jsonResponse(exportEstimateSchema, result.estimate);
  return new Response(result.body, {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${result.fileName}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "X-Export-Estimated-Bytes": String(result.estimate.estimatedBytes),
      "X-Export-Images": String(result.estimate.images ? result.estimate.captures : 0),
    },
  });
});
