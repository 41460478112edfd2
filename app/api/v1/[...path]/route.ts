// Any /api/v1 path no endpoint answers: a JSON 404 in the API's error shape (not an HTML page).
import { AppError } from "@/lib/api/app-error";
import { errorResponse } from "@/lib/api/error-response";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function notFound(request: Request): Response {
  return errorResponse(new AppError("not_found", `No API endpoint ${request.method} ${new URL(request.url).pathname}; see /api/v1/openapi.json.`));
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
