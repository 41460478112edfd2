// Instability analytics of a study (researchers): the report and the data behind each chart.
import type { z } from "zod";
import {
  analyticsQuerySchema,
  attributionResponseSchema,
  breakdownQuerySchema,
  breakdownResponseSchema,
  classesResponseSchema,
  confidenceQuerySchema,
  confidenceResponseSchema,
  growthQuerySchema,
  growthResponseSchema,
  heatmapResponseSchema,
  instabilityQuerySchema,
  instabilityResponseSchema,
} from "@/lib/analytics/analytics-schemas";
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
];
