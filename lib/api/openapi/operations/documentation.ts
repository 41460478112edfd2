// The API's own description.
import { defineOperation } from "../api-operation";

export const documentationOperations = [
  defineOperation({
    method: "get",
    path: "/api/v1/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This document (OpenAPI 3.1)",
    tags: ["Documentation"],
    security: "none",
    responses: { 200: { description: "The OpenAPI document", contentType: "application/json" } },
  }),
];
