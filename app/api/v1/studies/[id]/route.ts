// GET: one study with its counts. PATCH: change its name, texts, settings or status. DELETE: delete
// it with its devices, captures, predictions and the photo files no other row uses.
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readJsonBody, readQuery } from "@/lib/api/read-json-body";
import { publicBaseUrl } from "@/lib/api/request-context";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { thumbnailCacheDir } from "@/lib/captures/capture-thumbnails";
import { getDatabase, getPrisma } from "@/lib/db/database";
import { getServerEnv } from "@/lib/env/server-env";
import { deleteStudy } from "@/lib/studies/delete-study";
import { getStudyById } from "@/lib/studies/get-study";
import { studyViewSchema, updateStudyInputSchema } from "@/lib/studies/study-schemas";
import { toStudyView } from "@/lib/studies/study-views";
import { updateStudy } from "@/lib/studies/update-study";
import { deleteStudyQuerySchema, deletionResultSchema } from "@/lib/studies/workspace-schemas";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = withErrorResponses(async (request: Request, context: Context) => {
  await requireResearcher(request);
  const { id } = await context.params;
  return jsonResponse(studyViewSchema, toStudyView(await getStudyById(await getPrisma(), id), publicBaseUrl(request, getServerEnv().PUBLIC_URL)));
});

export const PATCH = withErrorResponses(async (request: Request, context: Context) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const input = await readJsonBody(request, updateStudyInputSchema);
  return jsonResponse(studyViewSchema, toStudyView(await updateStudy(await getPrisma(), id, input), publicBaseUrl(request, getServerEnv().PUBLIC_URL)));
});

export const DELETE = withErrorResponses(async (request: Request, context: Context) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const { confirm } = readQuery(request, deleteStudyQuerySchema);
  const result = await deleteStudy(await getDatabase(), getBlobStore(), id, { confirmCode: confirm, thumbnailsDir: thumbnailCacheDir(getServerEnv().dataDir) });
  return jsonResponse(deletionResultSchema, result);
});
