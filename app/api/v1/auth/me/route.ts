// GET: the researcher the credentials belong to, and how they authenticated.
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { currentResearcherSchema } from "@/lib/auth/auth-schemas";
import { describeResearcher } from "@/lib/auth/describe-researcher";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request) => {
  const auth = await requireResearcher(request);
  return jsonResponse(currentResearcherSchema, { researcher: await describeResearcher(await getPrisma(), auth.researcherId), via: auth.via });
});
