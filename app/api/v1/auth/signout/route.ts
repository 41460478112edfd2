// POST: end the session. Needs the X-CSRF-Token header, or a csrf field when a form posts it
// (then answers with a redirect to /signin).
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { okSchema } from "@/lib/auth/auth-schemas";
import { isFormPost, readFormFields, redirectTo } from "@/lib/auth/form-posts";
import { clearedSessionCookieHeaders, isSecureRequest } from "@/lib/auth/researcher-sessions";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { signOutRequest } from "@/lib/auth/sign-out";
import { getPrisma } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = withErrorResponses(async (request: Request) => {
  const form = isFormPost(request) ? await readFormFields(request) : undefined;
  await requireResearcher(request, { csrfToken: form?.csrf });
  await signOutRequest(await getPrisma(), request);
  const cookies = clearedSessionCookieHeaders(isSecureRequest(request));
  if (form) return redirectTo("/signin?signedOut=1", cookies);
  return jsonResponse(okSchema, { ok: true }, { headers: { "Set-Cookie": cookies } });
});
