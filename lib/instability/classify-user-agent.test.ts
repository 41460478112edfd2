import { describe, expect, it } from "vitest";
import { classifyUserAgent } from "./classify-user-agent";

describe("classifyUserAgent", () => {
  it.each([
    ["Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", undefined, { browser: "Chrome", os: "Android" }],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", undefined, { browser: "Safari", os: "iOS" }],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1", undefined, { browser: "Chrome", os: "iOS" }],
    ["Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0 Mobile Safari/537.36", undefined, { browser: "Samsung Internet", os: "Android" }],
    ["Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", undefined, { browser: "Firefox", os: "Android" }],
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36", "Linux", { browser: "Chrome", os: "Linux" }],
    [null, null, { browser: "unknown", os: "unknown" }],
  ])("%s", (ua, platform, expected) => {
    expect(classifyUserAgent(ua, platform)).toEqual(expected);
  });
});
