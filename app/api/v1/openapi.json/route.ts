// GET: the OpenAPI 3.1 document of the public API, generated from the same zod schemas the routes use.
import { withErrorResponses } from "@/lib/api/error-response";
import { API_OPERATIONS } from "@/lib/api/openapi/all-operations";
import { buildOpenApiDocument } from "@/lib/api/openapi/build-openapi-document";
import { publicBaseUrl } from "@/lib/api/request-context";
import { getServerEnv } from "@/lib/env/server-env";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request) => {
  const document = buildOpenApiDocument(API_OPERATIONS, { version: process.env.PARALLAX_VERSION ?? "dev", serverUrl: publicBaseUrl(request, getServerEnv().PUBLIC_URL) });
  return Response.json(document, { headers: { "Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*" } });
});
