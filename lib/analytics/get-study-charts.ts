// The data behind each instability chart, as JSON and as a CSV table: the device-model heatmap,
// instability vs number of device models, per-class instability, confidence histograms,
// breakdowns (backend, capture method, browser, OS) and attribution. One function per chart; each
// resolves the study (404) and runs one SQL function from lib/instability/sql.
import "server-only";
import type { z } from "zod";
import type { SqlDriver } from "@/lib/db/sql-driver";
import { getAttributionReport } from "@/lib/instability/sql/get-attribution-report";
import { getConfidenceHistograms } from "@/lib/instability/sql/get-confidence-histograms";
import { getInstabilityBreakdown } from "@/lib/instability/sql/get-instability-breakdown";
import { getInstabilityGrowth } from "@/lib/instability/sql/get-instability-growth";
import { getInstabilityReport } from "@/lib/instability/sql/get-instability-report";
import { getPerClassInstability } from "@/lib/instability/sql/get-per-class-instability";
import type {
  AnalyticsQuery,
  attributionResponseSchema,
  breakdownQuerySchema,
  breakdownResponseSchema,
  classesResponseSchema,
  confidenceQuerySchema,
  confidenceResponseSchema,
  growthQuerySchema,
  growthResponseSchema,
  heatmapResponseSchema,
} from "./analytics-schemas";
import type { CsvTable } from "./format-csv";
import { resolveStudyScope } from "./study-scope";

export type ChartData<S extends z.ZodType> = { body: z.input<S>; csv: CsvTable };

export async function getPairwiseHeatmap(sql: SqlDriver, studyId: string, query: AnalyticsQuery): Promise<ChartData<typeof heatmapResponseSchema>> {
  const { scope, filters } = await resolveStudyScope(sql, studyId, query);
  const report = await getInstabilityReport(sql, scope, { k: query.k });
  return {
    body: { studyId, source: query.source, filters, k: query.k, deviceModels: report.deviceModels.map((m) => m.key), cells: report.pairwise },
    csv: {
      columns: ["a", "b", "sharedScenes", "disagreements", "instability", "correctnessSharedScenes", "correctnessDisagreements", "correctnessInstability", "k", "topKAgreements", "topKAgreement"],
      rows: report.pairwise.map((p) => [p.a, p.b, p.sharedScenes, p.disagreements, p.instability, p.correctness.sharedScenes, p.correctness.disagreements, p.correctness.instability, p.topK.k, p.topK.agreements, p.topK.agreement]),
    },
  };
}

export async function getGrowthCurve(sql: SqlDriver, studyId: string, query: z.output<typeof growthQuerySchema>): Promise<ChartData<typeof growthResponseSchema>> {
  const { scope, filters } = await resolveStudyScope(sql, studyId, query);
  const points = await getInstabilityGrowth(sql, scope, { orders: query.orders });
  return {
    body: { studyId, source: query.source, filters, points },
    csv: {
      columns: ["deviceModels", "subsets", "subsetsWithEligibleScenes", "meanInstability", "eligibleScenes", "unstableScenes"],
      rows: points.map((p) => [p.deviceModels, p.subsets, p.subsetsWithEligibleScenes, p.meanInstability, p.eligibleScenes, p.unstableScenes]),
    },
  };
}

export async function getClassInstability(sql: SqlDriver, studyId: string, query: AnalyticsQuery): Promise<ChartData<typeof classesResponseSchema>> {
  const { scope, filters, labels } = await resolveStudyScope(sql, studyId, query);
  const classes = (await getPerClassInstability(sql, scope)).map((row) => ({ ...row, label: labels[row.classIndex] ?? null }));
  return {
    body: { studyId, source: query.source, filters, classes },
    csv: {
      columns: ["classIndex", "label", "eligibleScenes", "unstableScenes", "instability", "scenesByGroundTruth"],
      rows: classes.map((c) => [c.classIndex, c.label, c.eligibleScenes, c.unstableScenes, c.instability, c.scenesByGroundTruth]),
    },
  };
}

export async function getConfidenceDistribution(sql: SqlDriver, studyId: string, query: z.output<typeof confidenceQuerySchema>): Promise<ChartData<typeof confidenceResponseSchema>> {
  const { scope, filters } = await resolveStudyScope(sql, studyId, query);
  const deviceModels = await getConfidenceHistograms(sql, scope, query.bins);
  return {
    body: { studyId, source: query.source, filters, bins: query.bins, deviceModels },
    csv: {
      columns: ["deviceModel", "binFrom", "binTo", "predictions"],
      rows: deviceModels.flatMap((m) => m.counts.map((n, i) => [m.key, i / query.bins, (i + 1) / query.bins, n])),
    },
  };
}

export async function getBreakdown(sql: SqlDriver, studyId: string, query: z.output<typeof breakdownQuerySchema>): Promise<ChartData<typeof breakdownResponseSchema>> {
  const { scope, filters } = await resolveStudyScope(sql, studyId, query);
  const groups = await getInstabilityBreakdown(sql, scope, query.by);
  return {
    body: { studyId, source: query.source, filters, by: query.by, groups },
    csv: {
      columns: [query.by, "captures", "devices", "deviceModels", "eligibleScenes", "unstableScenes", "labelInstability"],
      rows: groups.map((g) => [g.key, g.captures, g.devices, g.deviceModels, g.eligibleScenes, g.unstableScenes, g.labelInstability]),
    },
  };
}

export async function getAttribution(sql: SqlDriver, studyId: string, query: AnalyticsQuery): Promise<ChartData<typeof attributionResponseSchema>> {
  const { scope, filters } = await resolveStudyScope(sql, studyId, query);
  const report = await getAttributionReport(sql, { studyId, filters: scope.filters });
  const ratioRow = (metric: string, key: string, r: { numerator: number; denominator: number; value: number | null }) => [metric, key, r.numerator, r.denominator, r.value];
  return {
    body: { studyId, filters, ...report },
    csv: {
      columns: ["metric", "key", "numerator", "denominator", "value"],
      rows: [
        ratioRow("runtimeFlipRate", "all", report.runtimeFlipRate.overall),
        ...report.runtimeFlipRate.byDeviceModel.map((r) => ratioRow("runtimeFlipRate.deviceModel", r.key, r)),
        ...report.runtimeFlipRate.byBackend.map((r) => ratioRow("runtimeFlipRate.backend", r.key, r)),
        ratioRow("deviceInstability", "all", report.deviceInstability),
        ratioRow("captureInstability", "all", report.captureInstability),
        ratioRow("stabilisedByReference", "all", report.stabilisedByReference),
        ...report.compressionProbe.map((r) => ratioRow("compressionProbe", r.key, r)),
      ],
    },
  };
}
