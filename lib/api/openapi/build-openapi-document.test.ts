import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { API_OPERATIONS } from "./all-operations";
import { buildOpenApiDocument } from "./build-openapi-document";

type Doc = { openapi: string; paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> }; parameters: Array<{ name: string; in: string }> }>> };

const doc = buildOpenApiDocument(API_OPERATIONS, { version: "test" }) as unknown as Doc;

/** Every route.ts under app/api/v1 with the HTTP methods it exports, as OpenAPI path templates. */
function routeHandlers(): Array<{ path: string; method: string }> {
  const root = path.resolve(import.meta.dirname, "../../../app/api/v1");
  const found: Array<{ path: string; method: string }> = [];
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name !== "route.ts") continue;
    const relative = path.relative(root, entry.parentPath).split(path.sep).filter(Boolean);
    if (relative.some((segment) => segment.startsWith("[..."))) continue; // the JSON 404 catch-all
    const apiPath = "/api/v1/" + relative.map((segment) => segment.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
    const source = readFileSync(path.join(entry.parentPath, entry.name), "utf8");
    for (const match of source.matchAll(/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)) {
      found.push({ path: apiPath.replace(/\/$/, ""), method: match[1]!.toLowerCase() });
    }
  }
  return found;
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with unique operation ids", () => {
    expect(doc.openapi).toBe("3.1.0");
    const ids = API_OPERATIONS.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("documents every route handler under app/api/v1 (add missing ones in lib/api/openapi/operations)", () => {
    const missing = routeHandlers().filter(({ path: p, method }) => !doc.paths[p]?.[method]).map(({ path: p, method }) => `${method.toUpperCase()} ${p}`);
    expect(missing).toEqual([]);
  });

  it("describes the capture upload's meta fields and the join response from the code's zod schemas", () => {
    const upload = doc.paths["/api/v1/captures"]!.post!;
    const multipart = upload.requestBody!.content["multipart/form-data"]!.schema as { properties: { meta: { properties: Record<string, unknown>; required: string[] } } };
    expect(Object.keys(multipart.properties.meta.properties)).toEqual(expect.arrayContaining(["clientCaptureId", "sceneKey", "captureMethod", "device", "predictions"]));
    expect(multipart.properties.meta.required).toEqual(expect.arrayContaining(["clientCaptureId", "sceneKey", "captureMethod"]));
    const join = doc.paths["/api/v1/join/{code}"]!.post!.responses["201"]!.content!["application/json"]!.schema as { properties: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(join.properties)).toEqual(["deviceToken", "deviceId", "study"]);
    expect(Object.keys(join.properties.study!.properties!)).toEqual(expect.arrayContaining(["name", "consentText", "settings", "model"]));
  });

  it("gives researcher endpoints 401/403 and path parameters", () => {
    const getStudy = doc.paths["/api/v1/studies/{id}"]!.get!;
    expect(Object.keys(getStudy.responses)).toEqual(expect.arrayContaining(["200", "401", "403", "404"]));
    expect(getStudy.parameters).toEqual([expect.objectContaining({ name: "id", in: "path" })]);
  });
});
