// GET: every study. POST: create one → { id, code, joinUrl, study }.
import { z } from "zod";
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readJsonBody } from "@/lib/api/read-json-body";
import { publicBaseUrl } from "@/lib/api/request-context";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { getServerEnv } from "@/lib/env/server-env";
import { createStudy } from "@/lib/studies/create-study";
import { listStudies } from "@/lib/studies/get-study";
import { createdStudySchema, createStudyInputSchema, studyViewSchema } from "@/lib/studies/study-schemas";
import { toStudyView } from "@/lib/studies/study-views";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request) => {
  await requireResearcher(request);
  const base = publicBaseUrl(request, getServerEnv().PUBLIC_URL);
  return jsonResponse(z.object({ studies: z.array(studyViewSchema) }), { studies: (await listStudies(await getPrisma())).map((study) => toStudyView(study, base)) });
});

export const POST = withErrorResponses(async (request: Request) => {
  const { researcherId } = await requireResearcher(request);
  const input = await readJsonBody(request, createStudyInputSchema);
  const study = toStudyView(await createStudy(await getPrisma(), { ...input, createdById: researcherId }), publicBaseUrl(request, getServerEnv().PUBLIC_URL));
  return jsonResponse(createdStudySchema, { id: study.id, code: study.code, joinUrl: study.joinUrl, study }, { status: 201 });
});
