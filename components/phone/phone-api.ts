// The volunteer page's calls to the API (join, own device, own captures, deletion request), each
// answer checked with the API's own zod schema. Errors carry the server's message for people.
// (The consent text is rendered by the server with the page, so there is no preview call here.)
import "client-only";
import { z } from "zod";
import { capturePageSchema, type CaptureView } from "@/lib/captures/capture-schemas";
import type { DeviceInfo } from "@/lib/devices/device-info";
import { correctedSceneSchema } from "@/lib/display/display-schemas";
import { deviceSelfViewSchema, deviceViewSchema, joinStudyResultSchema } from "@/lib/devices/device-schemas";
import type { PhoneStudy } from "@/lib/studies/study-schemas";

export class PhoneApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "PhoneApiError";
  }
}

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

async function call<S extends z.ZodType>(schema: S, url: string, init: RequestInit & { token?: string } = {}): Promise<z.infer<S>> {
  const { token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(url, { ...rest, headers, cache: "no-store" });
  } catch {
    throw new PhoneApiError(navigator.onLine === false ? "You are offline." : "The server could not be reached.", 0, "network");
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = errorBodySchema.safeParse(body);
    throw new PhoneApiError(parsed.success ? parsed.data.error.message : `The server answered ${response.status}.`, response.status, parsed.success ? parsed.data.error.code : undefined);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new PhoneApiError("The server's answer was not understood.", response.status, "bad_response");
  return parsed.data;
}

export function joinStudyAsDevice(code: string, device: DeviceInfo): Promise<{ deviceToken: string; deviceId: string; study: PhoneStudy }> {
  return call(joinStudyResultSchema, `/api/v1/join/${encodeURIComponent(code)}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ device }),
  });
}

export function fetchOwnDevice(token: string) {
  return call(deviceSelfViewSchema, "/api/v1/devices/me", { token });
}

export async function fetchOwnCaptures(token: string, limit = 50): Promise<CaptureView[]> {
  const page = await call(capturePageSchema, `/api/v1/devices/me/captures?order=desc&limit=${limit}`, { token });
  return page.items;
}

export async function requestOwnDeletion(token: string) {
  const { device } = await call(z.object({ device: deviceViewSchema }), "/api/v1/devices/me/deletion-request", { method: "POST", token });
  return device;
}

/** Moves one of this phone's stored captures to another scene (the volunteer's correction). */
export function correctCaptureSceneOnServer(token: string, studyId: string, clientCaptureId: string, sceneKey: string) {
  return call(correctedSceneSchema, `/api/v1/studies/${encodeURIComponent(studyId)}/display/captures/${encodeURIComponent(clientCaptureId)}/scene`, {
    method: "PUT",
    token,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sceneKey }),
  });
}
