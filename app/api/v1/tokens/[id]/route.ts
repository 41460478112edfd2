// DELETE: revoke an API token.
import { z } from "zod";
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { apiTokenViewSchema, revokeApiToken } from "@/lib/auth/api-tokens";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const DELETE = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { researcherId } = await requireResearcher(request);
  const { id } = await context.params;
  return jsonResponse(z.object({ token: apiTokenViewSchema }), { token: await revokeApiToken(await getPrisma(), researcherId, id) });
});
