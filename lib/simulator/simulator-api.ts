// The API v1 calls the simulator makes, each with its response checked by the API's own zod
// schemas: a researcher's (create or read a study, add scenes, read instability) and a phone's
// (join with its identity, download the model, upload a capture as multipart `meta` + `image`).
import { z } from "zod";
import { joinStudyResultSchema } from "@/lib/devices/device-schemas";
import type { DeviceInfo } from "@/lib/devices/device-info";
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import { addScenesResultSchema, createdStudySchema, studyViewSchema, type SceneInput } from "@/lib/studies/study-schemas";
import { captureMetaSchema, uploadedCaptureSchema, type CaptureMetaInput } from "@/lib/captures/capture-schemas";
import type { ParallaxClient } from "./parallax-client";

export type StudyRef = { id: string; code: string; name: string; model: { id: string; name: string; sha256: string } };

export async function createStudy(client: ParallaxClient, token: string, input: { name: string; description: string; modelId?: string }): Promise<StudyRef> {
  const created = createdStudySchema.parse(await client.request("/api/v1/studies", { token, json: input, idempotent: false }));
  return { id: created.id, code: created.code, name: created.study.name, model: created.study.model };
}

export async function getStudy(client: ParallaxClient, token: string, studyId: string): Promise<StudyRef> {
  const study = studyViewSchema.parse(await client.request(`/api/v1/studies/${encodeURIComponent(studyId)}`, { token }));
  return { id: study.id, code: study.code, name: study.name, model: study.model };
}

/** Add (or update) scenes in batches; adding the same keys again changes nothing. */
export async function addScenes(client: ParallaxClient, token: string, studyId: string, scenes: SceneInput[]): Promise<void> {
  for (let i = 0; i < scenes.length; i += 1000) {
    addScenesResultSchema.parse(await client.request(`/api/v1/studies/${encodeURIComponent(studyId)}/scenes`, { token, json: { scenes: scenes.slice(i, i + 1000) } }));
  }
}

export type JoinedDevice = z.infer<typeof joinStudyResultSchema>;

export async function joinStudyAsDevice(client: ParallaxClient, code: string, device: DeviceInfo, headers: Record<string, string>): Promise<JoinedDevice> {
  // Not idempotent: a join whose answer was lost would leave an unused device behind on a retry.
  return joinStudyResultSchema.parse(await client.request(`/api/v1/join/${encodeURIComponent(code)}`, { json: { device, simulated: true }, headers, idempotent: false }));
}

/** Whether a device token still works (a re-run reuses its devices). */
export async function isDeviceTokenValid(client: ParallaxClient, token: string): Promise<boolean> {
  try {
    await client.request("/api/v1/devices/me", { token });
    return true;
  } catch {
    return false;
  }
}

export async function downloadModelFile(client: ParallaxClient, fileUrl: string, token: string): Promise<Uint8Array> {
  return client.requestBytes(fileUrl, { token, headers: { accept: "application/octet-stream" } });
}

export type CaptureUpload = {
  clientCaptureId: string;
  sceneKey: string;
  capturedAt: string;
  burstId?: string;
  burstIndex?: number;
  prediction: PredictionPayload;
  image: { bytes: Uint8Array; fileName: string; mime: string };
};

export type UploadedCapture = { captureId: string; deviceModelKey: string; duplicate: boolean };

/** Upload one capture with the device's token; repeating it with the same clientCaptureId is safe. */
export async function uploadCapture(client: ParallaxClient, deviceToken: string, upload: CaptureUpload, headers: Record<string, string>): Promise<UploadedCapture> {
  const meta: CaptureMetaInput = captureMetaSchema.parse({
    clientCaptureId: upload.clientCaptureId,
    sceneKey: upload.sceneKey,
    captureMethod: "simulated",
    capturedAt: upload.capturedAt,
    ...(upload.burstId ? { burstId: upload.burstId, burstIndex: upload.burstIndex } : {}),
    predictions: [upload.prediction],
  });
  // A fresh body per attempt (the client retries on network errors and 5xx).
  const body = () => {
    const form = new FormData();
    form.append("meta", JSON.stringify(meta));
    form.append("image", new Blob([upload.image.bytes as Uint8Array<ArrayBuffer>], { type: upload.image.mime }), upload.image.fileName);
    return form;
  };
  const answer = uploadedCaptureSchema.parse(await client.request("/api/v1/captures", { token: deviceToken, body, headers }));
  return { captureId: answer.capture.id, deviceModelKey: answer.capture.deviceModelKey, duplicate: answer.duplicate };
}

export const instabilityResponseSchema = z
  .object({
    eligibleScenes: z.number().int(),
    unstableScenes: z.number().int(),
    labelInstability: z.number().nullable(),
    withinDeviceInstability: z.number().nullable(),
    pairwise: z.array(z.object({ a: z.string(), b: z.string(), sharedScenes: z.number().int(), disagreements: z.number().int(), instability: z.number().nullable() }).loose()),
    deviceModels: z.array(z.object({ key: z.string(), devices: z.number().int(), captures: z.number().int() }).loose()),
  })
  .loose();
export type InstabilityResponse = z.infer<typeof instabilityResponseSchema>;

export async function getInstability(client: ParallaxClient, token: string, studyId: string, query = "source=device"): Promise<InstabilityResponse> {
  return instabilityResponseSchema.parse(await client.request(`/api/v1/studies/${encodeURIComponent(studyId)}/instability?${query}`, { token }));
}
