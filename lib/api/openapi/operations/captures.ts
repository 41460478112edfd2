// Capture upload (devices) and capture reads (researchers).
import { z } from "zod";
import { captureMetaSchema, captureViewSchema, uploadedCaptureSchema } from "@/lib/captures/capture-schemas";
import { defineOperation } from "../api-operation";
import { idParams } from "./common";

const tags = ["Captures"];

const uploadSchema = z.object({
  meta: captureMetaSchema.describe("JSON text; must be the first part"),
  image: z.string().describe("The photo exactly as captured: JPEG, PNG or WebP (binary)").meta({ format: "binary" }),
});

export const captureOperations = [
  defineOperation({
    method: "post",
    path: "/api/v1/captures",
    operationId: "uploadCapture",
    summary: "Upload a capture (device token)",
    description:
      "multipart/form-data with a `meta` part (JSON) then an `image` part. The image type is read from its bytes; GPS/location metadata is removed without re-encoding; size (MAX_UPLOAD_BYTES) and pixel count (MAX_IMAGE_PIXELS, read from the header) are capped. Idempotent on meta.clientCaptureId: a retry answers 200 with the stored capture and `duplicate: true`.",
    tags,
    security: "device",
    requestBody: { contentType: "multipart/form-data", schema: uploadSchema },
    responses: {
      201: { description: "Stored", schema: uploadedCaptureSchema },
      200: { description: "Already stored (a retry): nothing written", schema: uploadedCaptureSchema },
    },
    errors: [400, 409, 410, 413, 415, 422],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/captures/{id}",
    operationId: "getCapture",
    summary: "One capture with its predictions",
    tags,
    security: "researcher",
    pathParams: idParams,
    responses: { 200: { description: "The capture", schema: captureViewSchema } },
    errors: [404],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/captures/{id}/image",
    operationId: "getCaptureImage",
    summary: "The stored photo (location removed)",
    tags,
    security: "researcher",
    pathParams: idParams,
    responses: { 200: { description: "The image bytes; ETag is their SHA-256", contentType: "image/*" } },
    errors: [404],
  }),
];
