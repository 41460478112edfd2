// Turns anything thrown in a route handler into the API's JSON error shape. Unknown errors are
// logged and answered as `internal` without leaking their message.
import { ZodError } from "zod";
import { AppError, errorBody } from "./app-error";

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    return new AppError(
      "validation_failed",
      "The request does not match the expected shape.",
      error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  console.error("Unexpected error in a request:", error);
  return new AppError("internal", "Something went wrong on the server; the request was not completed.");
}

export function errorResponse(error: unknown): Response {
  const appError = toAppError(error);
  return Response.json(errorBody(appError), {
    status: appError.status,
    headers: { "Cache-Control": "no-store", ...appError.headers },
  });
}

/** Wraps a route handler so that every thrown error becomes a JSON error response. */
export function withErrorResponses<Args extends unknown[]>(handler: (...args: Args) => Promise<Response>) {
  return async (...args: Args): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
