// Browser and operating-system families of a device for the instability breakdowns (coarse on
// purpose: a breakdown needs a handful of groups, not versions). Reads the UA Client Hints
// platform when the browser sent one, else the User-Agent string. Pure.

export type UserAgentFamilies = { browser: string; os: string };

const BROWSERS: [RegExp, string][] = [
  [/SamsungBrowser\//, "Samsung Internet"],
  [/EdgA?\//, "Edge"],
  [/(OPR|Opera)\//, "Opera"],
  [/(Firefox|FxiOS)\//, "Firefox"],
  [/CriOS\//, "Chrome"],
  [/Chrom(e|ium)\//, "Chrome"],
  [/Version\/[\d.]+.*Safari\//, "Safari"],
  [/(iPhone|iPad).*AppleWebKit/, "Safari"],
];

const SYSTEMS: [RegExp, string][] = [
  [/(iPhone|iPad|iPod)/, "iOS"],
  [/Android/, "Android"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Windows/, "Windows"],
  [/CrOS/, "ChromeOS"],
  [/Linux/, "Linux"],
];

export function classifyUserAgent(userAgent: string | null | undefined, uaPlatform?: string | null): UserAgentFamilies {
  const ua = userAgent ?? "";
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1] ?? "unknown";
  const platform = uaPlatform?.trim();
  const os = platform ? platform : (SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1] ?? "unknown");
  return { browser, os };
}
