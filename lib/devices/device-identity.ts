// Merges what is known about a device — the info its page sent, the request's User-Agent and
// Client Hints headers, the EXIF of its photos — into the Device row's identity columns, and
// derives its device-model key. Pure: the caller decides when to write.
import { cleanIdentityString, deriveDeviceModelKey, type DeviceModelSource } from "./derive-device-model-key";
import type { ClientHints, DeviceInfo } from "./device-info";

/** The identity columns of a Device row. */
export type DeviceIdentity = {
  userAgent: string | null;
  uaBrands: string | null;
  uaPlatform: string | null;
  uaPlatformVersion: string | null;
  uaModel: string | null;
  uaMobile: boolean | null;
  exifMake: string | null;
  exifModel: string | null;
  exifSoftware: string | null;
  gpuVendor: string | null;
  gpuArchitecture: string | null;
  gpuDevice: string | null;
  gpuDescription: string | null;
  ortVersion: string | null;
  ortBundle: string | null;
  hardwareConcurrency: number | null;
  screenWidth: number | null;
  screenHeight: number | null;
  devicePixelRatio: number | null;
  deviceModelKey: string;
  deviceModelSource: DeviceModelSource;
};

export const EMPTY_DEVICE_IDENTITY: DeviceIdentity = {
  userAgent: null,
  uaBrands: null,
  uaPlatform: null,
  uaPlatformVersion: null,
  uaModel: null,
  uaMobile: null,
  exifMake: null,
  exifModel: null,
  exifSoftware: null,
  gpuVendor: null,
  gpuArchitecture: null,
  gpuDevice: null,
  gpuDescription: null,
  ortVersion: null,
  ortBundle: null,
  hardwareConcurrency: null,
  screenWidth: null,
  screenHeight: null,
  devicePixelRatio: null,
  deviceModelKey: "unknown",
  deviceModelSource: "unknown",
};

export type IdentityEvidence = {
  info?: DeviceInfo;
  /** The request's User-Agent header (used when the page did not send one). */
  userAgentHeader?: string | null;
  /** Client Hints from Sec-CH-UA-* request headers (the page's values win). */
  clientHintHeaders?: ClientHints;
  /** EXIF of a photo this device took with its own camera (not a gallery pick). */
  exif?: { make?: string | null; model?: string | null; software?: string | null };
};

const orNull = (value: string | null | undefined, max = 500): string | null => {
  const cleaned = cleanIdentityString(value);
  return cleaned ? cleaned.slice(0, max) : null;
};

/** The identity after new evidence; unchanged fields keep their value. */
export function mergeDeviceIdentity(current: DeviceIdentity, evidence: IdentityEvidence): DeviceIdentity {
  const next: DeviceIdentity = { ...current };
  const info = evidence.info;
  const hints: ClientHints = { ...evidence.clientHintHeaders, ...stripUndefined(info?.clientHints ?? {}) };
  const userAgent = orNull(info?.userAgent, 1000) ?? orNull(evidence.userAgentHeader, 1000);
  if (userAgent) next.userAgent = userAgent;
  if (hints.brands?.length) next.uaBrands = hints.brands.map((b) => `${b.brand}/${b.version}`).join(", ").slice(0, 1000);
  if (hints.platform !== undefined) next.uaPlatform = orNull(hints.platform);
  if (hints.platformVersion !== undefined) next.uaPlatformVersion = orNull(hints.platformVersion);
  if (hints.model !== undefined) next.uaModel = orNull(hints.model);
  if (hints.mobile !== undefined) next.uaMobile = hints.mobile;
  if (info?.webgpu) {
    next.gpuVendor = orNull(info.webgpu.vendor);
    next.gpuArchitecture = orNull(info.webgpu.architecture);
    next.gpuDevice = orNull(info.webgpu.device);
    next.gpuDescription = orNull(info.webgpu.description);
  }
  if (info?.ort) {
    if (info.ort.version !== undefined) next.ortVersion = orNull(info.ort.version);
    if (info.ort.bundle !== undefined) next.ortBundle = orNull(info.ort.bundle);
  }
  if (info?.hardwareConcurrency !== undefined) next.hardwareConcurrency = info.hardwareConcurrency;
  if (info?.screen) {
    next.screenWidth = info.screen.width;
    next.screenHeight = info.screen.height;
    if (info.screen.devicePixelRatio !== undefined) next.devicePixelRatio = info.screen.devicePixelRatio;
  }
  const exif = evidence.exif;
  if (exif && orNull(exif.model)) {
    next.exifMake = orNull(exif.make);
    next.exifModel = orNull(exif.model);
    next.exifSoftware = orNull(exif.software);
  }
  const derived = deriveDeviceModelKey({
    exif: { make: next.exifMake, model: next.exifModel },
    clientHints: { model: next.uaModel, platform: next.uaPlatform, mobile: next.uaMobile },
    userAgent: next.userAgent,
  });
  next.deviceModelKey = derived.key;
  next.deviceModelSource = derived.source;
  return next;
}

/** The identity columns that differ (the update to write, empty when nothing changed). */
export function diffDeviceIdentity(before: DeviceIdentity, after: DeviceIdentity): Partial<DeviceIdentity> {
  const changes: Partial<DeviceIdentity> = {};
  for (const key of Object.keys(after) as Array<keyof DeviceIdentity>) {
    if (before[key] !== after[key]) (changes as Record<string, unknown>)[key] = after[key];
  }
  return changes;
}

/** A Device row as the database gives it (the source is plain text there). */
export type DeviceIdentityRow = Omit<DeviceIdentity, "deviceModelSource"> & { deviceModelSource: string };

export function pickDeviceIdentity(row: DeviceIdentityRow): DeviceIdentity {
  const identity = {} as Record<string, unknown>;
  for (const key of Object.keys(EMPTY_DEVICE_IDENTITY)) identity[key] = (row as Record<string, unknown>)[key] ?? null;
  const source = row.deviceModelSource;
  identity.deviceModelSource = source === "exif" || source === "client-hints" || source === "user-agent" ? source : "unknown";
  return identity as DeviceIdentity;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
