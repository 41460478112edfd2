import { describe, expect, it } from "vitest";
import { cacheDeviceAuth, DEVICE_AUTH_TTL_MS, forgetAllDeviceAuth, getCachedDeviceAuth } from "./device-auth-cache";

const auth = { kind: "device", deviceId: "d1", studyId: "s1" } as unknown as Parameters<typeof cacheDeviceAuth>[1];

describe("device-auth-cache", () => {
  it("answers from the cache until the entry expires", () => {
    cacheDeviceAuth("hash-a", auth, 1000);
    expect(getCachedDeviceAuth("hash-a", 1000 + DEVICE_AUTH_TTL_MS - 1)).toBe(auth);
    expect(getCachedDeviceAuth("hash-a", 1000 + DEVICE_AUTH_TTL_MS)).toBeUndefined();
    expect(getCachedDeviceAuth("hash-b", 1000)).toBeUndefined();
  });

  it("forgets everything at once (a device or study was deleted)", () => {
    const now = Date.now();
    cacheDeviceAuth("hash-c", auth, now);
    forgetAllDeviceAuth();
    expect(getCachedDeviceAuth("hash-c", now)).toBeUndefined();
  });
});
