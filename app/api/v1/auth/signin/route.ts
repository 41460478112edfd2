// POST: sign a researcher in. JSON → JSON; an HTML form post (the /signin page) → a redirect.
import { jsonResponse } from "@/lib/api/json-response";
import { toAppError, withErrorResponses } from "@/lib/api/error-response";
import { parseWithSchema, readJsonBody } from "@/lib/api/read-json-body";
import { limitSignIn } from "@/lib/api/server-rate-limits";
import { signedInSchema } from "@/lib/auth/auth-schemas";
import { safeNextPath } from "@/lib/auth/current-researcher";
import { assertSameOriginPost, isFormPost, readFormFields, redirectTo } from "@/lib/auth/form-posts";
import { isSecureRequest, sessionCookieHeaders } from "@/lib/auth/researcher-sessions";
import { signInInputSchema, signInResearcher } from "@/lib/auth/sign-in";
import { getPrisma } from "@/lib/db/database";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = withErrorResponses(async (request: Request) => {
  limitSignIn(request);
  if (isFormPost(request)) {
    assertSameOriginPost(request);
    const fields = await readFormFields(request);
    const next = safeNextPath(fields.next);
    try {
      const signed = await signInResearcher(await getPrisma(), parseWithSchema(signInInputSchema, { email: fields.email ?? "", password: fields.password ?? "" }));
      const target = signed.researcher.mustChangePassword ? `/signin/password?next=${encodeURIComponent(next)}` : next;
      return redirectTo(target, sessionCookieHeaders(signed.session, isSecureRequest(request)));
    } catch (error) {
      const code = toAppError(error).code;
      return redirectTo(`/signin?error=${code === "unauthorized" ? "credentials" : "invalid"}&next=${encodeURIComponent(next)}`);
    }
  }
  const input = await readJsonBody(request, signInInputSchema);
  const signed = await signInResearcher(await getPrisma(), input);
  return jsonResponse(signedInSchema, { researcher: signed.researcher, csrfToken: signed.session.csrfToken }, { headers: { "Set-Cookie": sessionCookieHeaders(signed.session, isSecureRequest(request)) } });
});
