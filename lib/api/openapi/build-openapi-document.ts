// Builds the OpenAPI 3.1 document of the public API from the registered operations and their zod
// schemas (z.toJSONSchema, draft 2020-12 — the dialect OpenAPI 3.1 uses). Pure.
import { z } from "zod";
import { ERROR_STATUS } from "../app-error";
import type { ApiOperation, ApiSecurity } from "./api-operation";

type JsonSchema = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: "Invalid request (malformed or failing validation)",
  401: "No valid credentials",
  403: "Credentials of the wrong kind, or not allowed",
  404: "Not found",
  409: "Conflict",
  410: "Gone (the study is closed)",
  413: "Too large",
  415: "Unsupported media type",
  422: "Understood but cannot be processed",
  429: "Rate limited (see Retry-After)",
  500: "Server error",
  503: "Temporarily unavailable",
};

function toSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  delete json.$schema;
  return json;
}

const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...Array<keyof typeof ERROR_STATUS>]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

function impliedErrors(security: ApiSecurity): number[] {
  if (security === "none") return [];
  return security === "device" || security === "device-or-researcher" ? [401, 403, 429] : [401, 403];
}

function parameters(operation: ApiOperation): JsonSchema[] {
  const list: JsonSchema[] = [];
  const add = (object: z.ZodObject | undefined, where: "path" | "query") => {
    if (!object) return;
    const json = toSchema(object, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = schema;
      list.push({ name, in: where, required: where === "path" || (json.required ?? []).includes(name), schema: rest, ...(description ? { description } : {}) });
    }
  };
  add(operation.pathParams, "path");
  add(operation.query, "query");
  return list;
}

export function buildOpenApiDocument(operations: readonly ApiOperation[], options: { version: string; serverUrl?: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    const responses: Record<string, JsonSchema> = {};
    for (const [status, spec] of Object.entries(operation.responses)) {
      responses[status] = {
        description: spec.description,
        ...(spec.schema ? { content: { "application/json": { schema: toSchema(spec.schema, "output") } } } : spec.contentType ? { content: { [spec.contentType]: {} } } : {}),
      };
    }
    const errorStatuses = [...new Set([...impliedErrors(operation.security), ...(operation.errors ?? [])])].sort();
    for (const status of errorStatuses) {
      responses[String(status)] = {
        description: STATUS_TEXT[status] ?? "Error",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        ...(status === 429 ? { headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait" } } } : {}),
      };
    }
    const researcher = [{ researcherToken: [] }, { researcherSession: [] }];
    const security =
      operation.security === "none"
        ? []
        : operation.security === "device"
          ? [{ deviceToken: [] }]
          : operation.security === "device-or-researcher"
            ? [{ deviceToken: [] }, ...researcher]
            : researcher;
    (paths[operation.path] ??= {})[operation.method] = {
      operationId: operation.operationId,
      summary: operation.summary,
      ...(operation.description ? { description: operation.description } : {}),
      tags: operation.tags,
      security,
      ...(operation.security === "admin" ? { "x-parallax-requires": "admin researcher" } : {}),
      parameters: parameters(operation),
      ...(operation.requestBody
        ? {
            requestBody: {
              required: operation.requestBody.required ?? true,
              ...(operation.requestBody.description ? { description: operation.requestBody.description } : {}),
              content: { [operation.requestBody.contentType]: { schema: toSchema(operation.requestBody.schema, "input") } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Parallax API",
      version: options.version,
      description:
        "Parallax's public API v1. Researchers authenticate with `Authorization: Bearer <API token>` (npm run token -- create NAME) or the session cookie (writes then need X-CSRF-Token). Volunteers' devices use the device token from POST /api/v1/join/{code}. Every error is `{ error: { code, message, details? } }`.",
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    paths,
    components: {
      schemas: { Error: toSchema(errorBodySchema, "output") },
      securitySchemes: {
        researcherToken: { type: "http", scheme: "bearer", description: "A researcher API token (plx_…) or PARALLAX_ADMIN_TOKEN" },
        researcherSession: { type: "apiKey", in: "cookie", name: "parallax_session", description: "Browser session; writes also need the X-CSRF-Token header" },
        deviceToken: { type: "http", scheme: "bearer", description: "A device token (pxd_…) from POST /api/v1/join/{code}" },
      },
    },
  };
}
