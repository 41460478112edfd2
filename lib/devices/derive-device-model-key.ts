// The normalised device-model key that groups devices in every metric, derived from, in order:
// the photo's EXIF Make/Model, the UA Client Hints model (page-sent or the Sec-CH-UA-Model header),
// the User-Agent. Every source's candidate is returned too, so a researcher can see how a device
// was identified. Pure.
//
// The key is the slugified *model* string ("Pixel 7" → "pixel-7", "SM-S911B" → "sm-s911b",
// "iPhone 15 Pro" → "iphone-15-pro"). On Android the camera's EXIF Model and the Client Hints model
// are both the system's Build.MODEL, so the same phone gets the same key from either source; the
// make is kept beside it (Device.exifMake) rather than in the key, where guessing it from a model
// number would split groups. Safari tells no model, so an iPhone without EXIF is just "iphone".

export type DeviceModelSource = "exif" | "client-hints" | "user-agent" | "unknown";

export type DeviceModelSources = {
  exif?: { make?: string | null; model?: string | null } | null;
  clientHints?: { model?: string | null; platform?: string | null; mobile?: boolean | null } | null;
  userAgent?: string | null;
};

export type DerivedDeviceModel = {
  key: string;
  source: DeviceModelSource;
  /** The model string the key came from ("Pixel 7"), or a family ("iPhone", "Windows desktop"). */
  model: string | null;
  /** The key each source on its own would give (absent where the source said nothing usable). */
  candidates: Partial<Record<Exclude<DeviceModelSource, "unknown">, string>>;
};

export const UNKNOWN_DEVICE_MODEL_KEY = "unknown";

/** Trim, drop NUL padding and control characters (EXIF strings often carry them). */
export function cleanIdentityString(value: string | null | undefined): string {
  return (value ?? "")
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export function slugifyDeviceModel(model: string): string {
  return cleanIdentityString(model)
    .replace(/[\u2122\u00ae\u00a9]/g, "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/g, "");
}

/** Placeholders browsers put where a model would be (the reduced Android UA says "K"). */
const PLACEHOLDER_MODELS = new Set(["k", "unknown", "android", "generic", "mobile", "wv"]);

function modelCandidate(model: string | null | undefined): { key: string; model: string } | undefined {
  const cleaned = cleanIdentityString(model);
  const key = slugifyDeviceModel(cleaned);
  if (!key || PLACEHOLDER_MODELS.has(key)) return undefined;
  return { key, model: cleaned };
}

/** The model (or device family) a User-Agent string names. */
export function parseUserAgentModel(userAgent: string | null | undefined): { key: string; model: string } | undefined {
  const ua = cleanIdentityString(userAgent);
  if (!ua) return undefined;
  for (const family of ["iPhone", "iPad", "iPod"]) {
    if (new RegExp(`\\(${family}[;\\s]`).test(ua)) return { key: family.toLowerCase(), model: family };
  }
  const android = /\bAndroid(?:\s[\d.]+)?;\s*([^;)]*?)(?:\s+Build\/[^;)]*)?\s*[;)]/.exec(ua);
  if (android) {
    const raw = android[1]!.replace(/^(?:SAMSUNG|samsung)\s+/, "").replace(/^[a-z]{2}-[a-z]{2};\s*/i, "");
    return modelCandidate(raw) ?? { key: "android", model: "Android" };
  }
  if (/\bCrOS\b/.test(ua)) return { key: "desktop-chromeos", model: "ChromeOS desktop" };
  if (/\bWindows NT\b/.test(ua)) return { key: "desktop-windows", model: "Windows desktop" };
  if (/\bMacintosh\b/.test(ua)) return { key: "desktop-macos", model: "macOS desktop" };
  if (/\bLinux\b|\bX11\b/.test(ua)) return { key: "desktop-linux", model: "Linux desktop" };
  return undefined;
}

export function deriveDeviceModelKey(sources: DeviceModelSources): DerivedDeviceModel {
  const exif = sources.exif?.model ? modelCandidate(sources.exif.model) : undefined;
  const hints = sources.clientHints?.model ? modelCandidate(sources.clientHints.model) : undefined;
  const agent = parseUserAgentModel(sources.userAgent);
  const candidates: DerivedDeviceModel["candidates"] = {};
  if (exif) candidates.exif = exif.key;
  if (hints) candidates["client-hints"] = hints.key;
  if (agent) candidates["user-agent"] = agent.key;
  const winner: [DeviceModelSource, { key: string; model: string }] | undefined = exif
    ? ["exif", exif]
    : hints
      ? ["client-hints", hints]
      : agent
        ? ["user-agent", agent]
        : undefined;
  if (!winner) return { key: UNKNOWN_DEVICE_MODEL_KEY, source: "unknown", model: null, candidates };
  return { key: winner[1].key, source: winner[0], model: winner[1].model, candidates };
}
