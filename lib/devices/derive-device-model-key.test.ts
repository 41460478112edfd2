import { describe, expect, it } from "vitest";
import { deriveDeviceModelKey, parseUserAgentModel, slugifyDeviceModel } from "./derive-device-model-key";

const UA = {
  iphoneSafari: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  ipadSafari: "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  androidChromeReduced: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
  androidChromeOld: "Mozilla/5.0 (Linux; Android 9; SM-G960F Build/PPR1.180610.011) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3729.157 Mobile Safari/537.36",
  pixelChromeOld: "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Mobile Safari/537.36",
  samsungInternet: "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/21.0 Chrome/110.0.5481.154 Mobile Safari/537.36",
  samsungInternetReduced: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
  androidFirefox: "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
  windowsChrome: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  macSafari: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  linuxFirefox: "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
  chromebook: "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
};

describe("parseUserAgentModel", () => {
  it.each([
    [UA.iphoneSafari, "iphone"],
    [UA.ipadSafari, "ipad"],
    [UA.androidChromeReduced, "android"],
    [UA.androidChromeOld, "sm-g960f"],
    [UA.pixelChromeOld, "pixel-7"],
    [UA.samsungInternet, "sm-s911b"],
    [UA.samsungInternetReduced, "android"],
    [UA.windowsChrome, "desktop-windows"],
    [UA.macSafari, "desktop-macos"],
    [UA.linuxFirefox, "desktop-linux"],
    [UA.chromebook, "desktop-chromeos"],
    ["curl/8.4.0", undefined],
    ["", undefined],
  ])("%s → %s", (ua, key) => {
    expect(parseUserAgentModel(ua)?.key).toBe(key);
  });

  it("recognises Firefox on Android as an Android phone without a model", () => {
    // Firefox puts no model in its UA: "(Android 14; Mobile; …)".
    expect(parseUserAgentModel(UA.androidFirefox)?.key).toBe("android");
  });
});

describe("deriveDeviceModelKey", () => {
  it.each([
    {
      name: "iPhone Safari with a camera photo: EXIF wins",
      sources: { exif: { make: "Apple", model: "iPhone 15 Pro" }, userAgent: UA.iphoneSafari },
      key: "iphone-15-pro",
      source: "exif",
    },
    { name: "iPhone Safari without EXIF (live camera): the UA family", sources: { userAgent: UA.iphoneSafari }, key: "iphone", source: "user-agent" },
    {
      name: "Android Chrome: reduced UA, Client Hints model",
      sources: { clientHints: { model: "Pixel 7", platform: "Android", mobile: true }, userAgent: UA.androidChromeReduced },
      key: "pixel-7",
      source: "client-hints",
    },
    {
      name: "Android Chrome: EXIF and Client Hints agree (both are Build.MODEL)",
      sources: { exif: { make: "Google", model: "Pixel 7" }, clientHints: { model: "Pixel 7" }, userAgent: UA.androidChromeReduced },
      key: "pixel-7",
      source: "exif",
    },
    {
      name: "Samsung Internet with its full UA",
      sources: { userAgent: UA.samsungInternet },
      key: "sm-s911b",
      source: "user-agent",
    },
    {
      name: "Samsung: EXIF 'samsung'/'SM-S911B' equals the UA's model",
      sources: { exif: { make: "samsung", model: "SM-S911B" }, userAgent: UA.samsungInternetReduced },
      key: "sm-s911b",
      source: "exif",
    },
    {
      name: "Xiaomi model number from EXIF with NUL padding",
      sources: { exif: { make: "Xiaomi\u0000", model: "2201123G\u0000\u0000" }, clientHints: { model: "2201123G" } },
      key: "2201123g",
      source: "exif",
    },
    {
      name: "EXIF without a model falls through to Client Hints",
      sources: { exif: { make: "Google", model: "" }, clientHints: { model: "Pixel 8a" }, userAgent: UA.androidChromeReduced },
      key: "pixel-8a",
      source: "client-hints",
    },
    {
      name: "an empty Client Hints model (desktop) falls through to the UA",
      sources: { clientHints: { model: "", platform: "Windows", mobile: false }, userAgent: UA.windowsChrome },
      key: "desktop-windows",
      source: "user-agent",
    },
    { name: "nothing at all", sources: {}, key: "unknown", source: "unknown" },
    { name: "an unreadable UA", sources: { userAgent: "python-requests/2.31" }, key: "unknown", source: "unknown" },
  ])("$name", ({ sources, key, source }) => {
    const derived = deriveDeviceModelKey(sources);
    expect(derived.key).toBe(key);
    expect(derived.source).toBe(source);
  });

  it("keeps every source's candidate, not only the winner", () => {
    const derived = deriveDeviceModelKey({ exif: { make: "Google", model: "Pixel 7" }, clientHints: { model: "Pixel 7a" }, userAgent: UA.androidChromeReduced });
    expect(derived.candidates).toEqual({ exif: "pixel-7", "client-hints": "pixel-7a", "user-agent": "android" });
    expect(derived.model).toBe("Pixel 7");
  });
});

describe("slugifyDeviceModel", () => {
  it.each([
    ["Galaxy S23 Ultra (5G)", "galaxy-s23-ultra-5g"],
    ["  ONEPLUS A6003 ", "oneplus-a6003"],
    ["Nokia 7.2", "nokia-7-2"],
    ["Moto G⁵ Plus", "moto-g5-plus"],
    ["Xperia™ 1 V", "xperia-1-v"],
    ["x".repeat(200), "x".repeat(80)],
  ])("%s → %s", (model, slug) => {
    expect(slugifyDeviceModel(model)).toBe(slug);
  });
});
