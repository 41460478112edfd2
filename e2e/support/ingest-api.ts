// Helpers for the API specs: researcher and device requests, photos with camera EXIF (and GPS),
// capture uploads as a phone makes them, and the server's stored state (rows and blobs).
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import sharp from "sharp";
import { buildExifTiff, putExifIntoJpeg, type ExifInput } from "@/lib/captures/testing/build-exif";

export const ADMIN_TOKEN = process.env.PARALLAX_E2E_ADMIN_TOKEN ?? "e2e-admin-token-0123456789abcdef";
export const ADMIN_PASSWORD = "e2e-admin-password";
export const ADMIN_EMAIL = "admin@parallax.local";
export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export const UA = {
  pixel: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
  iphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
};

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A small JPEG whose pixels depend on `seed`, with the given EXIF. */
export async function makePhoto(seed: number, exif: ExifInput = {}, size = { width: 64, height: 48 }): Promise<Buffer> {
  const raw = Buffer.alloc(size.width * size.height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * (seed % 13 + 3) + seed * 31 + (i >> 6)) & 0xff;
  const jpeg = await sharp(raw, { raw: { ...size, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
  return Object.keys(exif).length ? putExifIntoJpeg(jpeg, buildExifTiff(exif)) : jpeg;
}

export function devicePrediction(modelSha256: string, label = "dark skin", index = 0) {
  return {
    source: "device",
    backend: "wasm",
    runtime: "onnxruntime-web",
    runtimeVersion: "1.30.0",
    threads: 1,
    modelSha256,
    preprocessingId: "e2e-preprocessing",
    top: [
      { index, label, prob: 0.8 },
      { index: index + 1, label: "other", prob: 0.1 },
    ],
    timings: { decodeMs: 10, preprocessMs: 2, inferenceMs: 30 },
  };
}

export type UploadOptions = { meta: Record<string, unknown> | string; image?: Buffer; imageName?: string; imageType?: string; headers?: Record<string, string> };

export function uploadCapture(request: APIRequestContext, token: string | null, options: UploadOptions): Promise<APIResponse> {
  const multipart: Record<string, string | { name: string; mimeType: string; buffer: Buffer }> = { meta: typeof options.meta === "string" ? options.meta : JSON.stringify(options.meta) };
  if (options.image) multipart.image = { name: options.imageName ?? "photo.jpg", mimeType: options.imageType ?? "image/jpeg", buffer: options.image };
  return request.post("/api/v1/captures", { headers: { ...(token ? bearer(token) : {}), ...options.headers }, multipart });
}

export const newCaptureMeta = (sceneKey: string, extra: Record<string, unknown> = {}) => ({ clientCaptureId: randomUUID(), sceneKey, captureMethod: "native-camera", ...extra });

export async function createStudy(request: APIRequestContext, body: Record<string, unknown> = {}) {
  const response = await request.post("/api/v1/studies", { headers: admin, data: { name: `e2e ${randomUUID().slice(0, 8)}`, ...body } });
  if (response.status() !== 201) throw new Error(`creating a study failed: ${response.status()} ${await response.text()}`);
  return (await response.json()) as { id: string; code: string; joinUrl: string; study: { model: { id: string; sha256: string } } };
}

export async function joinStudy(request: APIRequestContext, code: string, headers: Record<string, string> = {}, body: Record<string, unknown> = {}) {
  const response = await request.post(`/api/v1/join/${code}`, { headers, data: body });
  if (response.status() !== 201) throw new Error(`joining failed: ${response.status()} ${await response.text()}`);
  return (await response.json()) as { deviceToken: string; deviceId: string; study: Record<string, unknown> & { model: { sha256: string; fileUrl: string; labels: string[] } } };
}

/** Row counts and blob count as the server reports them (admin endpoint). */
export async function storedState(request: APIRequestContext) {
  const response = await request.get("/api/v1/admin/storage", { headers: admin });
  if (!response.ok()) throw new Error(`storage: ${response.status()}`);
  return (await response.json()) as { rows: Record<string, number>; blobs: { count: number; bytes: number } };
}

/** Every file under DATA_DIR/blobs (the blob directory as it is on disk). */
export function blobFiles(dataDir = process.env.PARALLAX_E2E_DATA_DIR): string[] {
  if (!dataDir) return [];
  const root = path.join(dataDir, "blobs");
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** Wait until captures, devices and blobs stop changing (the demo study may still be filling at start-up). */
export async function waitForQuietStorage(request: APIRequestContext, quietMs = 3000, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  let since = Date.now();
  while (Date.now() < deadline) {
    const state = await storedState(request);
    const key = JSON.stringify([state.rows.Capture, state.rows.Device, state.rows.Scene, state.rows.Study, state.blobs.count]);
    if (key !== last) {
      last = key;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return state;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the server kept writing captures");
}
