// What the volunteer's browser can say about the device it runs on (collected only after consent):
// User-Agent, UA Client Hints high-entropy values (Chromium; Safari has none), WebGPU adapter
// info, cores, memory, screen and language. Every probe is optional and time-boxed: a browser that
// hides something simply leaves the field out. The result always passes deviceInfoSchema.
import "client-only";
import { deviceInfoSchema, type ClientHints, type DeviceInfo } from "./device-info";

const HIGH_ENTROPY_HINTS = ["model", "platformVersion", "fullVersionList", "architecture", "bitness", "wow64", "formFactors"] as const;

type UserAgentDataLike = {
  brands?: { brand: string; version: string }[];
  mobile?: boolean;
  platform?: string;
  getHighEntropyValues?: (hints: readonly string[]) => Promise<Record<string, unknown>>;
};

type GpuAdapterInfoLike = { vendor?: string; architecture?: string; device?: string; description?: string };
type GpuAdapterLike = {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
  features?: Iterable<string>;
  requestAdapterInfo?: () => Promise<GpuAdapterInfoLike>;
};

/** A probe that hangs (some WebGPU drivers do) must not hold up joining or capturing. */
function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

const clip = (value: unknown, max: number): string | undefined => (typeof value === "string" ? value.slice(0, max) : undefined);

function readBrands(value: unknown): ClientHints["brands"] {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter((entry): entry is { brand: string; version: string } => typeof entry?.brand === "string" && typeof entry?.version === "string")
    .slice(0, 20)
    .map((entry) => ({ brand: entry.brand.slice(0, 100), version: entry.version.slice(0, 100) }));
}

export async function collectClientHints(navigatorLike: Navigator = navigator): Promise<ClientHints | undefined> {
  const data = (navigatorLike as Navigator & { userAgentData?: UserAgentDataLike }).userAgentData;
  if (!data) return undefined;
  const high = data.getHighEntropyValues ? await withTimeout(data.getHighEntropyValues(HIGH_ENTROPY_HINTS), 2000, {}) : {};
  const hints: ClientHints = {
    brands: readBrands(high.brands ?? data.brands),
    fullVersionList: readBrands(high.fullVersionList),
    mobile: typeof (high.mobile ?? data.mobile) === "boolean" ? Boolean(high.mobile ?? data.mobile) : undefined,
    platform: clip(high.platform ?? data.platform, 100),
    platformVersion: clip(high.platformVersion, 100),
    model: clip(high.model, 200),
    architecture: clip(high.architecture, 50),
    bitness: clip(high.bitness, 10),
    wow64: typeof high.wow64 === "boolean" ? high.wow64 : undefined,
    formFactors: Array.isArray(high.formFactors) ? high.formFactors.filter((f): f is string => typeof f === "string").slice(0, 10).map((f) => f.slice(0, 50)) : undefined,
  };
  return Object.fromEntries(Object.entries(hints).filter(([, value]) => value !== undefined)) as ClientHints;
}

export async function collectWebGpuInfo(navigatorLike: Navigator = navigator): Promise<DeviceInfo["webgpu"]> {
  const gpu = (navigatorLike as Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return { available: false };
  try {
    const adapter = await withTimeout(gpu.requestAdapter(), 3000, null);
    if (!adapter) return { available: false };
    const info: GpuAdapterInfoLike = adapter.info ?? (await withTimeout<GpuAdapterInfoLike>(adapter.requestAdapterInfo?.() ?? Promise.resolve({}), 1000, {}));
    return {
      available: true,
      vendor: clip(info.vendor, 200),
      architecture: clip(info.architecture, 200),
      device: clip(info.device, 200),
      description: clip(info.description, 500),
      isFallbackAdapter: typeof adapter.isFallbackAdapter === "boolean" ? adapter.isFallbackAdapter : undefined,
      features: adapter.features ? Array.from(adapter.features).slice(0, 100).map((f) => String(f).slice(0, 100)) : undefined,
    };
  } catch (error) {
    return { available: false, error: (error instanceof Error ? error.message : String(error)).slice(0, 1000) };
  }
}

export type CollectOptions = {
  /** onnxruntime-web details once the inference worker has reported what it loaded. */
  ort?: DeviceInfo["ort"];
};

/** Everything this browser reveals about its device, shaped and bounded by deviceInfoSchema. */
export async function collectDeviceInfo(options: CollectOptions = {}): Promise<DeviceInfo> {
  const [clientHints, webgpu] = await Promise.all([collectClientHints(), collectWebGpuInfo()]);
  const nav = navigator as Navigator & { deviceMemory?: number };
  const info: DeviceInfo = {
    userAgent: navigator.userAgent.slice(0, 1000),
    clientHints,
    webgpu,
    ort: options.ort,
    hardwareConcurrency: Number.isInteger(navigator.hardwareConcurrency) && navigator.hardwareConcurrency > 0 ? Math.min(navigator.hardwareConcurrency, 1024) : undefined,
    deviceMemory: typeof nav.deviceMemory === "number" && nav.deviceMemory > 0 ? nav.deviceMemory : undefined,
    screen: {
      width: Math.max(1, Math.round(screen.width)),
      height: Math.max(1, Math.round(screen.height)),
      devicePixelRatio: window.devicePixelRatio > 0 ? window.devicePixelRatio : undefined,
      orientation: clip(screen.orientation?.type, 40),
    },
    language: clip(navigator.language, 50),
  };
  // Whatever a browser invents, what leaves the page fits the API's schema (drop what does not).
  const parsed = deviceInfoSchema.safeParse(info);
  if (parsed.success) return parsed.data;
  const safe: DeviceInfo = {};
  for (const key of Object.keys(info) as (keyof DeviceInfo)[]) {
    const one = deviceInfoSchema.safeParse({ [key]: info[key] });
    if (one.success) Object.assign(safe, one.data);
  }
  return safe;
}
