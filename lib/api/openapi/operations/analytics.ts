// Instability analytics of a study (researchers): the report and the data behind each chart.
import type { z } from "zod";
import {
  analyticsQuerySchema,
  attributionResponseSchema,
  breakdownQuerySchema,
  breakdownResponseSchema,
  classesResponseSchema,
  compressionProbeStatusSchema,
  confidenceQuerySchema,
  confidenceResponseSchema,
  growthQuerySchema,
  growthResponseSchema,
  heatmapResponseSchema,
  instabilityQuerySchema,
  instabilityResponseSchema,
} from "@/lib/analytics/analytics-schemas";
import {
  activityResponseSchema,
  divergentScenesQuerySchema,
  divergentScenesResponseSchema,
  pairScenesQuerySchema,
  pairScenesResponseSchema,
  sceneParamsSchema,
  sceneReportResponseSchema,
  thumbnailQuerySchema,
} from "@/lib/analytics/dashboard-schemas";
import { defineOperation } from "../api-operation";
import { idParams } from "./common";

const tags = ["Instability"];
const filtersNote = "Filters: from/to (capture time), deviceModels, backends (the phone's), captureMethods (comma-separated lists).";

const chart = (path: string, operationId: string, summary: string, query: z.ZodObject, schema: z.ZodType) =>
  defineOperation({
    method: "get",
    path: `/api/v1/studies/{id}/analytics/${path}`,
    operationId,
    summary,
    description: `${filtersNote} With format=csv the same numbers come as a text/csv download.`,
    tags,
    security: "researcher",
    pathParams: idParams,
    query,
    responses: { 200: { description: summary, schema } },
    errors: [400, 404],
  });

export const analyticsOperations = [
  defineOperation({
    method: "get",
    path: "/api/v1/studies/{id}/instability",
    operationId: "getStudyInstability",
    summary: "Instability report: label, correctness and within-device instability, pairwise instability, accuracy per device model — each with its counts",
    description: `Metric definitions: PRODUCT.md, "Metric definitions". ${filtersNote}`,
    tags,
    security: "researcher",
    pathParams: idParams,
    query: instabilityQuerySchema,
    responses: { 200: { description: "The report", schema: instabilityResponseSchema } },
    errors: [400, 404],
  }),
  chart("heatmap", "getInstabilityHeatmap", "Pairwise instability of every pair of device models", analyticsQuerySchema, heatmapResponseSchema),
  chart("growth", "getInstabilityGrowth", "Instability as the number of device models grows", growthQuerySchema, growthResponseSchema),
  chart("classes", "getClassInstability", "Instability per class", analyticsQuerySchema, classesResponseSchema),
  chart("confidence", "getConfidenceHistograms", "Top-1 confidence histograms per device model", confidenceQuerySchema, confidenceResponseSchema),
  chart("breakdown", "getInstabilityBreakdown", "Label instability by backend, capture method, browser or OS", breakdownQuerySchema, breakdownResponseSchema),
  chart("attribution", "getInstabilityAttribution", "Runtime flip rates, capture instability and the compression probe", analyticsQuerySchema, attributionResponseSchema),
  defineOperation({
    method: "get",
    path: "/api/v1/studies/{id}/analytics/attribution/probe",
    operationId: "getCompressionProbeStatus",
    summary: "How far the compression probe of a study is (captures probed at every setting, running or not)",
    tags,
    security: "researcher",
    pathParams: idParams,
    responses: { 200: { description: "The probe's progress", schema: compressionProbeStatusSchema } },
    errors: [404],
  }),
  defineOperation({
    method: "post",
    path: "/api/v1/studies/{id}/analytics/attribution/probe",
    operationId: "runCompressionProbe",
    summary: "Run the compression probe on every capture of the study not probed yet",
    description:
      "In the background and below the normal reference inference in priority: the server re-encodes the pixels each capture's reference saw as JPEG quality 50, 75 and 95 and as lossless PNG, runs the reference on each and stores them as reference predictions with variants jpeg-q50, jpeg-q75, jpeg-q95 and lossless. Flip rates per setting appear in the attribution report. Idempotent.",
    tags,
    security: "researcher",
    pathParams: idParams,
    responses: { 202: { description: "Queued; the probe's progress", schema: compressionProbeStatusSchema } },
    errors: [404],
  }),
  chart("activity", "getCaptureActivity", "Captures per time bucket, with active devices and device models", analyticsQuerySchema, activityResponseSchema),
  chart("pairs", "listPairDisagreements", "The scenes where two device models disagree, with both votes (a heatmap cell's scenes)", pairScenesQuerySchema, pairScenesResponseSchema),
  chart("scenes", "listDivergentScenes", "Divergent scenes with every device model's vote, its deciding capture and the reference result (filtered, sorted, paged)", divergentScenesQuerySchema, divergentScenesResponseSchema),
  defineOperation({
    method: "get",
    path: "/api/v1/studies/{id}/analytics/scenes/{sceneId}",
    operationId: "getSceneReport",
    summary: "One scene: ground truth, every capture and prediction, and each device model's vote under the filters",
    description: filtersNote,
    tags,
    security: "researcher",
    pathParams: sceneParamsSchema,
    query: instabilityQuerySchema,
    responses: { 200: { description: "The scene's report", schema: sceneReportResponseSchema } },
    errors: [400, 404],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/captures/{id}/thumbnail",
    operationId: "getCaptureThumbnail",
    summary: "A JPEG preview of a capture's stored photo (longest side 160, 320 or 640 px; orientation applied; immutable, ETag = blob SHA-256 and size)",
    tags: ["Captures"],
    security: "researcher",
    pathParams: idParams,
    query: thumbnailQuerySchema,
    responses: { 200: { description: "The JPEG bytes", contentType: "image/jpeg" } },
    errors: [400, 404],
  }),
];
