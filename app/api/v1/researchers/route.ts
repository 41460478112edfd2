// GET: the researcher accounts. POST (admins): invite a researcher → the account and its one-time
// password, shown only in this response.
import { z } from "zod";
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readJsonBody } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { inviteResearcher } from "@/lib/researchers/invite-researcher";
import { listResearchers } from "@/lib/researchers/list-researchers";
import { invitedResearcherSchema, inviteResearcherInputSchema, researcherAccountSchema } from "@/lib/researchers/researcher-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request) => {
  await requireResearcher(request);
  return jsonResponse(z.object({ researchers: z.array(researcherAccountSchema) }), { researchers: await listResearchers(await getPrisma()) });
});

export const POST = withErrorResponses(async (request: Request) => {
  const { researcherId } = await requireResearcher(request);
  const input = await readJsonBody(request, inviteResearcherInputSchema);
  return jsonResponse(invitedResearcherSchema, await inviteResearcher(await getPrisma(), researcherId, input), { status: 201 });
});
