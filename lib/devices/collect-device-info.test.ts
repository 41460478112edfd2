import { describe, expect, it } from "vitest";
import { collectClientHints, collectWebGpuInfo } from "./collect-device-info";
import { clientHintsSchema, webgpuInfoSchema } from "./device-info";

const asNavigator = (value: object) => value as unknown as Navigator;

describe("collectClientHints", () => {
  it("reads the high-entropy values (the phone model) and keeps them within the API's schema", async () => {
    const hints = await collectClientHints(
      asNavigator({
        userAgentData: {
          brands: [{ brand: "Chromium", version: "139" }],
          mobile: true,
          platform: "Android",
          getHighEntropyValues: async () => ({ model: "Pixel 7", platformVersion: "15.0.0", fullVersionList: [{ brand: "Chromium", version: "139.0.1" }], formFactors: ["Mobile", 7], bitness: "", wow64: false }),
        },
      }),
    );
    expect(hints).toEqual({
      brands: [{ brand: "Chromium", version: "139" }],
      fullVersionList: [{ brand: "Chromium", version: "139.0.1" }],
      mobile: true,
      platform: "Android",
      platformVersion: "15.0.0",
      model: "Pixel 7",
      bitness: "",
      wow64: false,
      formFactors: ["Mobile"],
    });
    expect(clientHintsSchema.safeParse(hints).success).toBe(true);
  });

  it("says nothing on browsers without Client Hints (Safari, Firefox)", async () => {
    expect(await collectClientHints(asNavigator({}))).toBeUndefined();
  });

  it("falls back to the low-entropy values when the high-entropy ones are refused", async () => {
    const hints = await collectClientHints(
      asNavigator({
        userAgentData: {
          brands: [],
          mobile: false,
          platform: "Linux",
          getHighEntropyValues: async () => {
            throw new Error("NotAllowedError");
          },
        },
      }),
    );
    expect(hints).toEqual({ brands: [], mobile: false, platform: "Linux" });
  });
});

describe("collectWebGpuInfo", () => {
  it("describes the adapter", async () => {
    const info = await collectWebGpuInfo(
      asNavigator({ gpu: { requestAdapter: async () => ({ info: { vendor: "google", architecture: "swiftshader", device: "", description: "SwiftShader" }, isFallbackAdapter: true, features: new Set(["shader-f16"]) }) } }),
    );
    expect(info).toEqual({ available: true, vendor: "google", architecture: "swiftshader", device: "", description: "SwiftShader", isFallbackAdapter: true, features: ["shader-f16"] });
    expect(webgpuInfoSchema.safeParse(info).success).toBe(true);
  });

  it("reports no WebGPU without navigator.gpu, without an adapter, or when the adapter request hangs", async () => {
    expect(await collectWebGpuInfo(asNavigator({}))).toEqual({ available: false });
    expect(await collectWebGpuInfo(asNavigator({ gpu: { requestAdapter: async () => null } }))).toEqual({ available: false });
    const started = Date.now();
    expect(await collectWebGpuInfo(asNavigator({ gpu: { requestAdapter: () => new Promise(() => {}) } }))).toEqual({ available: false });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
