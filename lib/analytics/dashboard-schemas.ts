// The contract of the endpoints the dashboards added beside the chart data: capture activity over
// time, the scenes behind one heatmap cell (where two device models disagree), the divergent-scene
// gallery and one scene's full record. Query and response schemas, shared by the route handlers,
// the OpenAPI document and the pages. Pure.
import { z } from "zod";
import { PREDICTION_SOURCE_VALUES } from "@/lib/instability/sql/instability-filters";
import { analyticsQuerySchema } from "./analytics-schemas";

const count = z.number().int().nonnegative();
const appliedFiltersSchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  deviceModels: z.array(z.string()).optional(),
  backends: z.array(z.string()).optional(),
  captureMethods: z.array(z.string()).optional(),
});
const contextSchema = { studyId: z.string(), source: z.enum(PREDICTION_SOURCE_VALUES), filters: appliedFiltersSchema };

export const topEntryViewSchema = z.object({ index: z.number().int(), label: z.string(), prob: z.number() });
export type TopEntryView = z.infer<typeof topEntryViewSchema>;

const classRefSchema = z.object({ index: count, label: z.string().nullable() });

/** One device model's vote on one scene, with the capture that decided it. */
export const voteViewSchema = z.object({
  deviceModel: z.string(),
  label: count.describe("The voted class index"),
  labelName: z.string().nullable(),
  captures: count.describe("Captures of the scene by this device model (in scope)"),
  capturesForLabel: count.describe("Of those, captures whose top-1 is the vote"),
  captureId: z.string().describe("The representative capture: the earliest capture whose top-1 is the vote"),
  top: z.array(topEntryViewSchema).describe("The representative capture's top list from the voting source"),
  isCorrect: z.boolean().nullable().describe("Vote equals the ground truth; null without ground truth"),
  counterpart: z
    .object({ source: z.enum(PREDICTION_SOURCE_VALUES), top1Index: count, top: z.array(topEntryViewSchema) })
    .nullable()
    .describe("The other source's prediction on the same capture (the server reference when phones vote); null when there is none yet"),
});
export type VoteView = z.infer<typeof voteViewSchema>;

export const ACTIVITY_BUCKETS = ["minute", "hour", "day", "week"] as const;
export const activityResponseSchema = z.object({
  ...contextSchema,
  bucket: z.enum(ACTIVITY_BUCKETS).describe("Width of each bucket, chosen so that the span fits in at most a few hundred"),
  points: z.array(z.object({ start: z.string().describe("Bucket start (UTC)"), captures: count, devices: count, deviceModels: count })),
});
export type CaptureActivity = z.infer<typeof activityResponseSchema>;

export const pairScenesQuerySchema = analyticsQuerySchema.extend({
  a: z.string().min(1).max(200).describe("One device model key"),
  b: z.string().min(1).max(200).describe("The other device model key"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export const pairScenesResponseSchema = z.object({
  ...contextSchema,
  a: z.string(),
  b: z.string(),
  sharedScenes: count.describe("Scenes with votes from both"),
  disagreements: count.describe("Of those, scenes where the two votes differ"),
  offset: count,
  limit: count,
  scenes: z.array(
    z.object({ sceneId: z.string(), sceneKey: z.string(), groundTruth: classRefSchema.nullable(), a: voteViewSchema, b: voteViewSchema }),
  ),
});
export type PairScenes = z.infer<typeof pairScenesResponseSchema>;

export const GALLERY_SORTS = ["divergence", "scene", "recent", "confidence"] as const;
export const GALLERY_SHOWS = ["unstable", "eligible"] as const;
export const divergentScenesQuerySchema = analyticsQuerySchema.extend({
  show: z.enum(GALLERY_SHOWS).default("unstable").describe("Unstable scenes only, or every eligible scene"),
  sort: z.enum(GALLERY_SORTS).default("divergence").describe("divergence: most distinct votes first; scene: study order; recent: last capture first; confidence: least confident first"),
  q: z.string().trim().max(200).optional().describe("Scene key contains (case-insensitive)"),
  class: z.coerce.number().int().min(0).optional().describe("Only scenes whose ground truth or any vote is this class index"),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type DivergentScenesQuery = Omit<z.output<typeof divergentScenesQuerySchema>, "format">;

export const sceneSummaryViewSchema = z.object({
  sceneId: z.string(),
  sceneKey: z.string(),
  groundTruth: classRefSchema.nullable(),
  votes: count.describe("Device models that voted"),
  distinctLabels: count,
  isEligible: z.boolean(),
  isUnstable: z.boolean(),
  isCorrectnessMixed: z.boolean(),
  majority: classRefSchema.extend({ votes: count }),
  lastCaptureAt: z.string().nullable(),
});

export const divergentScenesResponseSchema = z.object({
  ...contextSchema,
  show: z.enum(GALLERY_SHOWS),
  sort: z.enum(GALLERY_SORTS),
  total: count.describe("Scenes matching (all pages)"),
  page: count,
  pageSize: count,
  deviceModels: z.array(z.string()).describe("Every device model with votes in scope (the gallery's columns)"),
  scenes: z.array(sceneSummaryViewSchema.extend({ votesByModel: z.array(voteViewSchema) })),
});
export type DivergentScenes = z.infer<typeof divergentScenesResponseSchema>;

export const sceneParamsSchema = z.object({ id: z.string().describe("The study's id"), sceneId: z.string().describe("The scene's id") });

const predictionDetailSchema = z.object({
  source: z.enum(PREDICTION_SOURCE_VALUES),
  variant: z.string(),
  backend: z.string(),
  runtime: z.string(),
  runtimeVersion: z.string().nullable(),
  webgpuFailure: z.string().nullable(),
  top1Index: count,
  top1Prob: z.number(),
  top: z.array(topEntryViewSchema),
  timings: z.object({ decodeMs: z.number().nullable(), preprocessMs: z.number().nullable(), inferenceMs: z.number().nullable() }),
});

export const sceneReportResponseSchema = z.object({
  ...contextSchema,
  scene: z.object({ id: z.string(), key: z.string(), label: z.string().nullable(), labelIndex: z.number().int().nullable(), position: z.number().int(), hasStimulus: z.boolean() }),
  summary: sceneSummaryViewSchema.nullable().describe("The scene's vote summary under the filters; null when nothing in scope voted"),
  votes: z.array(voteViewSchema),
  captures: z.array(
    z.object({
      id: z.string(),
      inScope: z.boolean().describe("Counted under the current filters and source"),
      deviceId: z.string(),
      deviceModelKey: z.string(),
      captureMethod: z.string(),
      createdAt: z.string(),
      burstId: z.string().nullable(),
      burstIndex: z.number().int().nullable(),
      width: count,
      height: count,
      sizeBytes: count,
      mime: z.string(),
      exif: z.object({ make: z.string().nullable(), model: z.string().nullable(), software: z.string().nullable() }),
      device: z.object({ userAgent: z.string().nullable(), isSimulated: z.boolean(), deviceModelSource: z.string() }),
      referenceStatus: z.string(),
      referenceError: z.string().nullable(),
      predictions: z.array(predictionDetailSchema),
    }),
  ),
});
export type SceneReport = z.infer<typeof sceneReportResponseSchema>;

export const dashboardContextSchema = z.object({
  study: z.object({ id: z.string(), name: z.string(), code: z.string(), status: z.string(), isDemo: z.boolean(), modelName: z.string(), classes: count }),
  totals: z.object({
    scenes: count.describe("Scenes registered in the study"),
    scenesWithGroundTruth: count,
    captures: count,
    devices: count,
    referencePending: count.describe("Captures still waiting for (or running) the server reference"),
    referenceFailed: count,
  }),
  options: z.object({
    deviceModels: z.array(z.string()),
    backends: z.array(z.string()),
    captureMethods: z.array(z.string()),
    firstCaptureAt: z.string().nullable(),
    lastCaptureAt: z.string().nullable(),
  }),
});
export type DashboardContext = z.infer<typeof dashboardContextSchema>;

export const thumbnailQuerySchema = z.strictObject({
  size: z.coerce
    .number()
    .pipe(z.union([z.literal(160), z.literal(320), z.literal(640)]))
    .default(320)
    .describe("Longest side in pixels: 160, 320 or 640"),
});
