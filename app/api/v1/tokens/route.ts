// GET: API tokens (never their secrets). POST: create one; the secret is only in this response.
import { z } from "zod";
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readJsonBody } from "@/lib/api/read-json-body";
import { apiTokenViewSchema, createApiToken, createApiTokenInputSchema, createdApiTokenSchema, listApiTokens } from "@/lib/auth/api-tokens";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request) => {
  const { researcherId } = await requireResearcher(request);
  return jsonResponse(z.object({ tokens: z.array(apiTokenViewSchema) }), { tokens: await listApiTokens(await getPrisma(), researcherId) });
});

export const POST = withErrorResponses(async (request: Request) => {
  const { researcherId } = await requireResearcher(request);
  const input = await readJsonBody(request, createApiTokenInputSchema);
  return jsonResponse(createdApiTokenSchema, await createApiToken(await getPrisma(), researcherId, input), { status: 201 });
});
