import { describe, expect, it } from "vitest";
import type { DeviceView } from "@/lib/devices/device-schemas";
import { describeIdentification, formatBytes, formatUtc, plural } from "./format-workspace";

function device(source: DeviceView["deviceModelSource"], identity: Partial<{ exif: DeviceView["identity"]["exif"]; clientHints: Partial<DeviceView["identity"]["clientHints"]>; userAgent: string }>): DeviceView {
  return {
    id: "d",
    studyId: "s",
    deviceModelKey: "k",
    deviceModelSource: source,
    isSimulated: false,
    createdAt: "2026-01-01T00:00:00.000Z",
    lastSeenAt: "2026-01-01T00:00:00.000Z",
    revokedAt: null,
    deletionRequestedAt: null,
    captures: 0,
    identity: {
      userAgent: identity.userAgent ?? null,
      clientHints: { brands: null, platform: null, platformVersion: null, model: null, mobile: null, ...identity.clientHints },
      exif: identity.exif ?? { make: null, model: null, software: null },
      webgpu: { vendor: null, architecture: null, device: null, description: null },
      ort: { version: null, bundle: null },
      hardwareConcurrency: null,
      screen: { width: null, height: null, devicePixelRatio: null },
    },
  };
}

describe("workspace formatting", () => {
  it("writes dates in UTC, the same on server and browser", () => {
    expect(formatUtc("2026-11-25T18:43:53.120Z")).toBe("2026-11-25 18:43 UTC");
    expect(formatUtc(null)).toBe("—");
    expect(formatUtc("not a date")).toBe("—");
  });
  it("writes sizes and counts", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2.0 KiB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5.0 GiB");
    expect(plural(1, "capture")).toBe("1 capture");
    expect(plural(1200, "capture")).toBe("1,200 captures");
  });
  it("shows the evidence behind each way of identifying a device", () => {
    expect(describeIdentification(device("exif", { exif: { make: "Google", model: "Pixel 7", software: "HDR+ 1.0" } }))).toBe("Google Pixel 7 (HDR+ 1.0)");
    expect(describeIdentification(device("client-hints", { clientHints: { model: "Pixel 7", platform: "Android", platformVersion: "15.0.0" } }))).toBe("Pixel 7 · Android · 15.0.0");
    expect(describeIdentification(device("user-agent", { userAgent: "Mozilla/5.0 (iPhone)" }))).toBe("Mozilla/5.0 (iPhone)");
    expect(describeIdentification(device("unknown", {}))).toBe("no identifying detail");
  });
});
