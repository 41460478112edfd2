// GET /api/v1/studies/{id}/export: plans the export in one database snapshot, then either answers
// its size estimate or streams the archive (see ./plan-dataset-export.ts and
// ./stream-dataset-export.ts). 404 for an unknown study.
import "server-only";
import type { SqlDriver } from "@/lib/db/sql-driver";
import type { BlobStore } from "@/lib/storage/blob-store";
import type { ExportEstimate, ExportQuery } from "./export-schemas";
import { planDatasetExport } from "./plan-dataset-export";
import { estimateDatasetExport, streamDatasetExport } from "./stream-dataset-export";

export type StudyDatasetExport = { kind: "estimate"; estimate: ExportEstimate } | { kind: "archive"; fileName: string; body: ReadableStream<Uint8Array>; estimate: ExportEstimate };

/** The archive's download name: study, selection and snapshot time (UTC). */
export function exportFileName(studyName: string, divergentOnly: boolean, images: boolean, at: Date): string {
  const stamp = at.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  const slug = studyName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "") || "study";
  return `${slug}-${divergentOnly ? "divergent" : "all"}${images ? "" : "-metadata"}-${stamp}.zip`;
}

export async function exportStudyDataset(sql: SqlDriver, blobs: BlobStore, studyId: string, query: ExportQuery): Promise<StudyDatasetExport> {
  const { estimate: estimateOnly, ...options } = query;
  const plan = await planDatasetExport(sql, studyId, options);
  const estimate = estimateDatasetExport(plan);
  if (estimateOnly) return { kind: "estimate", estimate };
  return { kind: "archive", fileName: exportFileName(plan.study.name, options.divergentOnly, options.images, plan.snapshotAt), body: streamDatasetExport(sql, blobs, plan), estimate };
}
