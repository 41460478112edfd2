// One documented endpoint of the public API: method, path, who may call it, and the zod schemas
// of its parameters, body and responses — the same schema objects the route handler uses, so the
// OpenAPI document cannot drift from the code. Pure.
import type { z } from "zod";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** researcher: session cookie (+ X-CSRF-Token on writes) or Bearer API token; device: Bearer device token. */
/** "device-or-researcher": a device token of the study, or researcher credentials (each sees its own view). */
export type ApiSecurity = "researcher" | "admin" | "device" | "device-or-researcher" | "none";

export type ApiResponseSpec = {
  description: string;
  /** JSON body schema; omit for bodies that are not JSON (then give contentType). */
  schema?: z.ZodType;
  contentType?: string;
  headers?: Record<string, string>;
};

export type ApiOperation = {
  method: HttpMethod;
  /** OpenAPI path template: /api/v1/studies/{id} */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: ApiSecurity;
  pathParams?: z.ZodObject;
  query?: z.ZodObject;
  requestBody?: { contentType: "application/json" | "multipart/form-data" | "application/x-www-form-urlencoded"; schema: z.ZodType; description?: string; required?: boolean };
  /** Success responses (error responses are added from the security and `errors`). */
  responses: Record<number, ApiResponseSpec>;
  /** Error statuses this endpoint can answer besides the ones implied by its security. */
  errors?: number[];
};

export function defineOperation<T extends ApiOperation>(operation: T): T {
  return operation;
}
