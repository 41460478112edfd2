// The model registry's endpoints (routes in app/api/v1/models, owned by the models module).
import { z } from "zod";
import { modelInfoSchema } from "@/lib/models/model-info";
import { defineOperation } from "../api-operation";
import { idParams } from "./common";

const tags = ["Models"];

const modelUploadSchema = z.object({
  file: z.string().meta({ format: "binary" }).describe("The .onnx file"),
  labels: z.string().describe("One label per line, or a JSON array"),
  name: z.string().optional(),
  preset: z.string().optional().describe('"imagenet" or "generic"'),
  preprocessing: z.string().optional().describe("A full preprocessing spec as JSON (instead of preset)"),
  topK: z.string().optional(),
});

export const modelOperations = [
  defineOperation({
    method: "get",
    path: "/api/v1/models",
    operationId: "listModels",
    summary: "Registered models",
    tags,
    security: "researcher",
    responses: { 200: { description: "Models", schema: z.object({ models: z.array(modelInfoSchema) }) } },
  }),
  defineOperation({
    method: "post",
    path: "/api/v1/models",
    operationId: "addModel",
    summary: "Add a model (validated with onnxruntime-node before it is accepted)",
    tags,
    security: "researcher",
    requestBody: { contentType: "multipart/form-data", schema: modelUploadSchema },
    responses: {
      201: { description: "Registered", schema: z.object({ model: modelInfoSchema, created: z.boolean() }) },
      200: { description: "Already registered (same bytes)", schema: z.object({ model: modelInfoSchema, created: z.boolean() }) },
    },
    errors: [400, 413, 415, 422],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/models/{id}",
    operationId: "getModel",
    summary: "One model (by id or SHA-256)",
    tags,
    security: "researcher",
    pathParams: idParams,
    responses: { 200: { description: "The model", schema: z.object({ model: modelInfoSchema }) } },
    errors: [404],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/models/{id}/file",
    operationId: "getModelFile",
    summary: "The model's ONNX bytes (public; immutable when ?v= matches its SHA-256)",
    description:
      "Uncompressed. The model's `fileUrl` (/m/<sha256>.onnx) serves the same bytes; its `gzipFileUrl` (/m/<sha256>.onnx.gz) serves them gzip-compressed as application/gzip (not as a Content-Encoding), with X-Content-Sha256 and X-Uncompressed-Length describing the model inside.",
    tags,
    security: "none",
    pathParams: idParams,
    responses: { 200: { description: "ONNX bytes", contentType: "application/octet-stream" } },
    errors: [404],
  }),
  defineOperation({
    method: "post",
    path: "/api/v1/models/{id}/classify",
    operationId: "classifyWithModel",
    summary: "Run the server reference on an image (raw image body)",
    tags,
    security: "researcher",
    pathParams: idParams,
    responses: { 200: { description: "The reference prediction with logits and tensor hash", schema: z.record(z.string(), z.unknown()) } },
    errors: [400, 404, 413, 415, 422],
  }),
];
