// Display mode (controlled sessions): stimulus sets, the scene the monitor shows (published by the
// display page, followed by phones), per-scene coverage, and a volunteer's scene correction.
import { z } from "zod";
import {
  correctedSceneSchema,
  correctSceneInputSchema,
  coverageQuerySchema,
  coverageReportSchema,
  displayStateSchema,
  followedSceneSchema,
  publishDisplaySceneInputSchema,
  stimulusImportResultSchema,
} from "@/lib/display/display-schemas";
import { defineOperation } from "../api-operation";
import { idParams } from "./common";

const tags = ["Display mode"];

export const displayOperations = [
  defineOperation({
    method: "post",
    path: "/api/v1/studies/{id}/stimuli",
    operationId: "importStimuli",
    summary: "Import a stimulus set (ZIP of images, optional labels.csv)",
    description:
      "Body: the ZIP itself (`Content-Type: application/zip`) or multipart/form-data with the ZIP as a file part. Each JPEG/PNG/WebP becomes a scene whose key is its path without extension (one wrapping folder dropped, `/` → `_`); `labels.csv` rows `file,label` set ground-truth labels. All or nothing: a file that is not a readable image, a CSV row naming a file not in the ZIP, two files with the same key or a damaged archive answer 400 naming the problem, and nothing is imported.",
    tags,
    security: "researcher",
    pathParams: idParams,
    requestBody: { contentType: "multipart/form-data", schema: z.object({ file: z.string().describe("The stimulus ZIP (binary)").meta({ format: "binary" }) }) },
    responses: {
      201: { description: "Imported (at least one new scene)", schema: stimulusImportResultSchema },
      200: { description: "Imported (existing scenes got new stimuli)", schema: stimulusImportResultSchema },
    },
    errors: [400, 404, 413, 415],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/studies/{id}/display",
    operationId: "getDisplayScene",
    summary: "The scene the study's display shows now",
    description: "With a device token of the study: `{ studyId, sceneKey, updatedAt }` (what phones follow). With researcher credentials: also the scenes in order and the current scene's live counts (the display page's state).",
    tags,
    security: "device-or-researcher",
    pathParams: idParams,
    responses: { 200: { description: "The followed scene (devices) or the display state (researchers)", schema: z.union([displayStateSchema, followedSceneSchema]) } },
    errors: [403, 404],
  }),
  defineOperation({
    method: "put",
    path: "/api/v1/studies/{id}/display",
    operationId: "publishDisplayScene",
    summary: "Publish the scene the display shows (phones follow it)",
    tags,
    security: "researcher",
    pathParams: idParams,
    requestBody: { contentType: "application/json", schema: publishDisplaySceneInputSchema },
    responses: { 200: { description: "The display state", schema: displayStateSchema } },
    errors: [400, 404],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/studies/{id}/display/events",
    operationId: "followDisplayScene",
    summary: "Server-sent events of the display scene",
    description:
      "With `Accept: text/event-stream`: an event `scene` at once and on every change (data: the same JSON as GET /display for the caller); researchers also get one on every stored capture of the study (live counts). Device tokens go in the Authorization header, so phones read it with fetch; poll GET /display when streaming is unavailable. Without that Accept header the current state is answered once as JSON.",
    tags,
    security: "device-or-researcher",
    pathParams: idParams,
    responses: { 200: { description: "The event stream (or, without Accept: text/event-stream, the state once as JSON)", contentType: "text/event-stream" } },
    errors: [403, 404],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/studies/{id}/display/stimuli/{sceneId}",
    operationId: "getStimulus",
    summary: "A scene's stimulus image",
    tags,
    security: "researcher",
    pathParams: z.object({ id: z.string().describe("The study's id"), sceneId: z.string().describe("The scene's id") }),
    responses: { 200: { description: "The image as uploaded", contentType: "image/*" } },
    errors: [404],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/studies/{id}/display/coverage",
    operationId: "getSceneCoverage",
    summary: "Per-scene coverage: which device models captured each scene",
    description: "A scene is covered when at least `target` device models (default 3) captured it; 2 make it eligible for instability.",
    tags,
    security: "researcher",
    pathParams: idParams,
    query: coverageQuerySchema,
    responses: { 200: { description: "Coverage per scene", schema: coverageReportSchema } },
    errors: [400, 404],
  }),
  defineOperation({
    method: "put",
    path: "/api/v1/studies/{id}/display/captures/{clientCaptureId}/scene",
    operationId: "correctCaptureScene",
    summary: "A phone corrects the scene of one of its own captures",
    description: "The capture moves to the scene with the given key (created when the study allows unknown scenes, else 422).",
    tags,
    security: "device",
    pathParams: z.object({ id: z.string().describe("The study's id"), clientCaptureId: z.string().describe("The capture's client-generated UUID") }),
    requestBody: { contentType: "application/json", schema: correctSceneInputSchema },
    responses: { 200: { description: "The capture's new scene", schema: correctedSceneSchema } },
    errors: [400, 403, 404, 422],
  }),
];
