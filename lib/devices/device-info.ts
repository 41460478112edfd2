// What a volunteer's phone tells the server about itself (with consent): User-Agent, UA Client
// Hints high-entropy values, WebGPU adapter info, onnxruntime-web version and bundle, cores,
// screen. Sent with POST /api/v1/join/{code} and with each capture's meta. Pure (zod only).
import { z } from "zod";

const text = (max: number) => z.string().max(max);
const brandSchema = z.strictObject({ brand: text(100), version: text(100) });

export const clientHintsSchema = z.strictObject({
  brands: z.array(brandSchema).max(20).optional(),
  fullVersionList: z.array(brandSchema).max(20).optional(),
  mobile: z.boolean().optional(),
  platform: text(100).optional(),
  platformVersion: text(100).optional(),
  /** The phone model ("Pixel 7", "SM-S911B"); empty on desktops. */
  model: text(200).optional(),
  architecture: text(50).optional(),
  bitness: text(10).optional(),
  wow64: z.boolean().optional(),
  formFactors: z.array(text(50)).max(10).optional(),
});
export type ClientHints = z.infer<typeof clientHintsSchema>;

export const webgpuInfoSchema = z.strictObject({
  /** Whether navigator.gpu gave an adapter. */
  available: z.boolean(),
  vendor: text(200).optional(),
  architecture: text(200).optional(),
  device: text(200).optional(),
  description: text(500).optional(),
  isFallbackAdapter: z.boolean().optional(),
  features: z.array(text(100)).max(100).optional(),
  /** Why requesting an adapter failed, when it did. */
  error: text(1000).optional(),
});

export const ortInfoSchema = z.strictObject({
  version: text(60).optional(),
  /** Which onnxruntime-web bundle the page loaded ("wasm", "webgpu", …). */
  bundle: text(120).optional(),
  crossOriginIsolated: z.boolean().optional(),
  threads: z.number().int().min(1).max(256).optional(),
});

export const screenInfoSchema = z.strictObject({
  width: z.number().int().min(1).max(100_000),
  height: z.number().int().min(1).max(100_000),
  devicePixelRatio: z.number().positive().max(20).optional(),
  orientation: text(40).optional(),
});

export const deviceInfoSchema = z.strictObject({
  userAgent: text(1000).optional(),
  /** navigator.userAgentData.getHighEntropyValues([...]) (Chromium browsers; Safari has none). */
  clientHints: clientHintsSchema.optional(),
  webgpu: webgpuInfoSchema.optional(),
  ort: ortInfoSchema.optional(),
  hardwareConcurrency: z.number().int().min(1).max(1024).optional(),
  /** navigator.deviceMemory in GiB (coarse, Chromium only). */
  deviceMemory: z.number().positive().max(1024).optional(),
  screen: screenInfoSchema.optional(),
  language: text(50).optional(),
});
export type DeviceInfo = z.infer<typeof deviceInfoSchema>;

/** Client Hints the browser sent as request headers (Sec-CH-UA-*), parsed from their structured-header form. */
export function readClientHintHeaders(headers: Headers): ClientHints {
  const unquote = (value: string | null) => (value === null ? undefined : value.trim().replace(/^"(.*)"$/, "$1"));
  const hints: ClientHints = {};
  const model = unquote(headers.get("sec-ch-ua-model"));
  if (model !== undefined) hints.model = model.slice(0, 200);
  const platform = unquote(headers.get("sec-ch-ua-platform"));
  if (platform !== undefined) hints.platform = platform.slice(0, 100);
  const platformVersion = unquote(headers.get("sec-ch-ua-platform-version"));
  if (platformVersion !== undefined) hints.platformVersion = platformVersion.slice(0, 100);
  const mobile = headers.get("sec-ch-ua-mobile");
  if (mobile !== null) hints.mobile = mobile.trim() === "?1";
  return hints;
}
