// The contract of the instability and chart-data endpoints: query parameters (filters, source, k,
// format) and response bodies, shared by the route handlers and the OpenAPI document.
import { z } from "zod";
import { BREAKDOWN_DIMENSIONS } from "@/lib/instability/sql/get-instability-breakdown";
import { instabilityFiltersSchema, PREDICTION_SOURCE_VALUES } from "@/lib/instability/sql/instability-filters";

const count = z.number().int().nonnegative();
const share = z.number().min(0).max(1).nullable();

export const analyticsQuerySchema = instabilityFiltersSchema.extend({
  source: z.enum(PREDICTION_SOURCE_VALUES).default("device").describe("Whose predictions vote: the phones' (device) or the server reference's on the same bytes"),
  k: z.coerce.number().int().min(1).max(100).default(5).describe("Top-k of pairwise top-k agreement"),
  format: z.enum(["json", "csv"]).default("json"),
});
export type AnalyticsQuery = Omit<z.infer<typeof analyticsQuerySchema>, "format">;
export const instabilityQuerySchema = analyticsQuerySchema.omit({ format: true });

export const growthQuerySchema = analyticsQuerySchema.extend({ orders: z.coerce.number().int().min(1).max(1000).default(100).describe("Random orders of device models averaged per size") });
export const confidenceQuerySchema = analyticsQuerySchema.extend({ bins: z.coerce.number().int().min(2).max(100).default(20) });
export const breakdownQuerySchema = analyticsQuerySchema.extend({ by: z.enum(BREAKDOWN_DIMENSIONS).describe("Group captures by the phone's backend, capture method, browser or operating system") });

const intervalSchema = z
  .object({ lower: z.number(), upper: z.number(), level: z.literal(0.95), resamples: count, seed: z.number().int(), method: z.literal("percentile") })
  .nullable()
  .describe("95% percentile bootstrap over scenes (1000 resamples, fixed seed); null without scenes");
const ratioSchema = z.object({ numerator: count, denominator: count, value: share });
const keyedRatioSchema = ratioSchema.extend({ key: z.string() });
const appliedFiltersSchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  deviceModels: z.array(z.string()).optional(),
  backends: z.array(z.string()).optional(),
  captureMethods: z.array(z.string()).optional(),
});
const contextSchema = { studyId: z.string(), source: z.enum(PREDICTION_SOURCE_VALUES), filters: appliedFiltersSchema };

export const pairwiseRowSchema = z.object({
  a: z.string(),
  b: z.string(),
  sharedScenes: count,
  disagreements: count,
  instability: share,
  correctness: z.object({ sharedScenes: count, disagreements: count, instability: share }),
  topK: z.object({ k: count, agreements: count, agreement: share }),
});

export const instabilityResponseSchema = z.object({
  ...contextSchema,
  k: count,
  captures: count,
  devices: count,
  scenes: count.describe("Scenes with at least one vote"),
  eligibleScenes: count.describe("Scenes with votes from at least 2 device models"),
  unstableScenes: count,
  labelInstability: share,
  ci95: intervalSchema,
  groundTruthScenes: count.describe("Eligible scenes with ground truth"),
  correctnessUnstableScenes: count,
  correctnessInstability: share,
  correctnessCi95: intervalSchema,
  withinDeviceGroups: count.describe("(scene, device) groups with 2+ captures"),
  withinDeviceUnstableGroups: count,
  withinDeviceInstability: share,
  pairwise: z.array(pairwiseRowSchema),
  deviceModels: z.array(
    z.object({ key: z.string(), devices: count, captures: count, scenes: count, votesWithGroundTruth: count, correctVotes: count, accuracy: share }),
  ),
});
export type StudyInstability = z.infer<typeof instabilityResponseSchema>;

export const heatmapResponseSchema = z.object({ ...contextSchema, k: count, deviceModels: z.array(z.string()), cells: z.array(pairwiseRowSchema) });
export const growthResponseSchema = z.object({
  ...contextSchema,
  points: z.array(
    z.object({ deviceModels: count, subsets: count, subsetsWithEligibleScenes: count, meanInstability: share, eligibleScenes: count, unstableScenes: count }),
  ),
});
export const classesResponseSchema = z.object({
  ...contextSchema,
  classes: z.array(z.object({ classIndex: count, label: z.string().nullable(), eligibleScenes: count, unstableScenes: count, instability: share, scenesByGroundTruth: count })),
});
export const confidenceResponseSchema = z.object({
  ...contextSchema,
  bins: count,
  deviceModels: z.array(z.object({ key: z.string(), predictions: count, counts: z.array(count) })),
});
export const breakdownResponseSchema = z.object({
  ...contextSchema,
  by: z.enum(BREAKDOWN_DIMENSIONS),
  groups: z.array(z.object({ key: z.string(), captures: count, devices: count, deviceModels: count, eligibleScenes: count, unstableScenes: count, labelInstability: share })),
});
export const attributionResponseSchema = z.object({
  studyId: z.string(),
  filters: appliedFiltersSchema,
  runtimeFlipRate: z.object({ overall: ratioSchema, byDeviceModel: z.array(keyedRatioSchema), byBackend: z.array(keyedRatioSchema) }),
  deviceInstability: ratioSchema,
  captureInstability: ratioSchema,
  stabilisedByReference: ratioSchema,
  compressionProbe: z.array(keyedRatioSchema),
});

export const compressionProbeStatusSchema = z.object({
  studyId: z.string(),
  variants: z.array(z.string()).describe('The probe settings, harshest first: "jpeg-q50", "jpeg-q75", "jpeg-q95", "lossless"'),
  state: z.enum(["idle", "queued", "running"]).describe("This server's probe of the study: waiting for its turn, running, or not asked for (or finished)"),
  probeableCaptures: count.describe("Captures with a server reference prediction on their stored bytes"),
  probedCaptures: count.describe("Of those, captures with a reference prediction at every probe setting"),
  remainingCaptures: count,
  referencePending: count.describe("Captures still waiting for their normal reference prediction (the probe comes after them)"),
  failedCaptures: count.describe("Captures whose probe failed in this server's last run of the study"),
  lastError: z.string().nullable(),
});
