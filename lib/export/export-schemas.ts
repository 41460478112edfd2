// The contract of a dataset export: the query of GET /api/v1/studies/{id}/export (the dashboards'
// filters plus divergentOnly, images and estimate), the size estimate's response, and the strict
// shape of one metadata.jsonl row (Hugging Face imagefolder: `file_name` plus the image's facts).
// Shared by the route, the OpenAPI document, the export page, the CLI and the tests. Pure.
import { z } from "zod";
import { instabilityFiltersSchema, PREDICTION_SOURCE_VALUES } from "@/lib/instability/sql/instability-filters";

const booleanParam = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off"])
  .transform((value) => ["1", "true", "yes", "on"].includes(value));

export const exportQuerySchema = instabilityFiltersSchema.extend({
  divergentOnly: booleanParam.default(false).describe("Only unstable scenes (votes from 2+ device models that are not all equal), exactly as the instability report counts them"),
  images: booleanParam.default(true).describe("Include the photos; false gives a small metadata-only archive"),
  source: z.enum(PREDICTION_SOURCE_VALUES).default("device").describe("Whose predictions vote when deciding which scenes are unstable"),
  estimate: booleanParam.default(false).describe("Answer the size estimate as JSON instead of the archive"),
});
export type ExportQuery = z.infer<typeof exportQuerySchema>;
export type ExportOptions = Omit<ExportQuery, "estimate">;

const count = z.number().int().nonnegative();

export const exportEstimateSchema = z.object({
  studyId: z.string(),
  divergentOnly: z.boolean(),
  images: z.boolean(),
  scenes: count.describe("Scenes in the export"),
  captures: count.describe("Photos (one metadata row each)"),
  deviceModels: count,
  imageBytes: count.describe("Bytes of the photos"),
  estimatedBytes: count.describe("Estimated archive size: photos, ZIP records and metadata (within a few percent)"),
});
export type ExportEstimate = z.infer<typeof exportEstimateSchema>;

const topEntrySchema = z.strictObject({ index: z.number().int().nonnegative(), label: z.string(), prob: z.number() });
const predictionSchema = z.strictObject({ backend: z.string(), top1: z.number().int().nonnegative(), top: z.array(topEntrySchema) });

/** One row of metadata.jsonl: one photo. Every row has every key (null when absent), so the columns' types never vary. */
export const metadataRowSchema = z.strictObject({
  file_name: z.string().describe("Path of the photo relative to metadata.jsonl"),
  capture_id: z.string(),
  scene_key: z.string(),
  scene_label: z.string().nullable().describe("Ground truth as text, when the scene has one"),
  scene_label_index: z.number().int().nonnegative().nullable(),
  device_model: z.string(),
  device_id: z.string(),
  capture_method: z.string(),
  captured_at: z.string().describe("When the server stored the capture (ISO 8601)"),
  image_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  image_bytes: z.number().int().nonnegative(),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  mime: z.string(),
  device_prediction: predictionSchema.nullable(),
  reference_prediction: predictionSchema.nullable(),
  scene_is_eligible: z.boolean(),
  scene_is_unstable: z.boolean(),
  scene_votes: z.array(z.strictObject({ device_model: z.string(), label: z.number().int().nonnegative(), label_name: z.string().nullable(), captures: count })),
});
export type MetadataRow = z.infer<typeof metadataRowSchema>;

export const PREDICTIONS_CSV_COLUMNS = ["capture_id", "file_name", "scene_key", "device_model", "source", "backend", "rank", "class_index", "label", "prob"] as const;
/** scenes.csv: these columns, then one `vote:<device model>` column per device model (the voted class index, empty without a vote). */
export const SCENES_CSV_COLUMNS = ["scene_key", "folder", "ground_truth_index", "ground_truth", "is_eligible", "is_unstable", "votes", "distinct_labels", "majority_index", "captures_in_export"] as const;
