// POST: change the signed-in researcher's password (JSON, or the /signin/password form).
import { jsonResponse } from "@/lib/api/json-response";
import { toAppError, withErrorResponses } from "@/lib/api/error-response";
import { parseWithSchema, readJsonBody } from "@/lib/api/read-json-body";
import { okSchema } from "@/lib/auth/auth-schemas";
import { safeNextPath } from "@/lib/auth/current-researcher";
import { isFormPost, readFormFields, redirectTo } from "@/lib/auth/form-posts";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { changePasswordInputSchema, changeResearcherPassword } from "@/lib/auth/sign-in";
import { getPrisma } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = withErrorResponses(async (request: Request) => {
  if (isFormPost(request)) {
    const fields = await readFormFields(request);
    const { researcherId } = await requireResearcher(request, { csrfToken: fields.csrf });
    const next = safeNextPath(fields.next);
    try {
      await changeResearcherPassword(await getPrisma(), researcherId, parseWithSchema(changePasswordInputSchema, { currentPassword: fields.currentPassword ?? "", newPassword: fields.newPassword ?? "" }));
    } catch (error) {
      const appError = toAppError(error);
      const reason = appError.code === "forbidden" ? "current" : "new";
      return redirectTo(`/signin/password?error=${reason}&next=${encodeURIComponent(next)}`);
    }
    return redirectTo(next);
  }
  const { researcherId } = await requireResearcher(request);
  const input = await readJsonBody(request, changePasswordInputSchema);
  await changeResearcherPassword(await getPrisma(), researcherId, input);
  return jsonResponse(okSchema, { ok: true });
});
