import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "./app-error";
import { errorResponse, withErrorResponses } from "./error-response";

describe("errorResponse", () => {
  it("maps an AppError to its status and JSON body", async () => {
    const response = errorResponse(new AppError("rate_limited", "Slow down.", undefined, { "Retry-After": "3" }));
    expect(response.status).toBe(429);
    expect(response.headers.get("Retry-After")).toBe("3");
    expect(await response.json()).toEqual({ error: { code: "rate_limited", message: "Slow down." } });
  });

  it("reports zod validation failures with the failing paths", async () => {
    const parsed = z.object({ n: z.number() }).safeParse({ n: "x" });
    const response = errorResponse(parsed.error);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details[0].path).toBe("n");
  });

  it("hides the message of unexpected errors", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const handler = withErrorResponses(async () => {
      throw new Error("password=hunter2");
    });
    const response = await handler();
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain("hunter2");
    spy.mockRestore();
  });
});
