// Plain HTML form posts to the auth endpoints (sign-in works without JavaScript): reading their
// fields, refusing cross-site posts (login CSRF), and answering with a redirect instead of JSON.
import { AppError } from "@/lib/api/app-error";

export function isFormPost(request: Request): boolean {
  return /^application\/x-www-form-urlencoded\b|^multipart\/form-data\b/i.test(request.headers.get("content-type") ?? "");
}

/** The form's text fields (small forms only). */
export async function readFormFields(request: Request): Promise<Record<string, string>> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > 64 * 1024) throw new AppError("payload_too_large", "The form is too large.");
  const form = await request.formData();
  const fields: Record<string, string> = {};
  for (const [name, value] of form.entries()) if (typeof value === "string") fields[name] = value;
  return fields;
}

/** Browsers say where a form post came from; only this site's own pages may post to auth forms. */
export function assertSameOriginPost(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw new AppError("forbidden", "Cross-site form posts are refused.", { reason: "cross_site" });
  const origin = request.headers.get("origin");
  if (origin && origin !== "null") {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    if (host && new URL(origin).host !== host) throw new AppError("forbidden", "Cross-site form posts are refused.", { reason: "cross_site" });
  }
}

export function redirectTo(location: string, cookies: string[] = []): Response {
  const headers = new Headers({ Location: location, "Cache-Control": "no-store" });
  for (const cookie of cookies) headers.append("Set-Cookie", cookie);
  return new Response(null, { status: 303, headers });
}
