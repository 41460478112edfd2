// Dataset export of a study (researchers): the streamed ZIP and its size estimate.
import { exportEstimateSchema, exportQuerySchema } from "@/lib/export/export-schemas";
import { defineOperation } from "../api-operation";
import { idParams } from "./common";

export const exportOperations = [
  defineOperation({
    method: "get",
    path: "/api/v1/studies/{id}/export",
    operationId: "exportStudyDataset",
    summary: "Dataset export: a ZIP streamed as it is built (images by scene, metadata.jsonl for Hugging Face imagefolder, predictions.csv, scenes.csv, README.md)",
    description:
      "Filters as the instability report's (from/to, deviceModels, backends, captureMethods, source); divergentOnly=true keeps only unstable scenes, " +
      "images=false gives a metadata-only archive. Photos are stored unchanged (no recompression); the archive lists only what one database " +
      "snapshot held when the request started. With estimate=1 the answer is instead the size estimate as JSON: " +
      Object.keys(exportEstimateSchema.shape).join(", ") +
      ". Layout and loading: the README.md inside the archive.",
    tags: ["Export"],
    security: "researcher",
    pathParams: idParams,
    query: exportQuerySchema,
    responses: {
      200: {
        description: "The archive (application/zip, no Content-Length: it is streamed), or with estimate=1 the estimate (JSON)",
        contentType: "application/zip",
        headers: { "X-Export-Estimated-Bytes": "Estimated archive size in bytes", "X-Export-Images": "Photos in the archive" },
      },
    },
    errors: [400, 404],
  }),
];
