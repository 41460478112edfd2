import { describe, expect, it } from "vitest";
import { CHARACTER_RANGES, countDeviceModels, countDevicesForModels, createFleet } from "./device-models";
import { describeDeviceIdentity, IDENTITY_CATALOGUE_SIZE } from "./device-identities";

describe("createFleet", () => {
  it("is the same fleet for the same seed and a different one for another seed", () => {
    expect(createFleet({ seed: 1, devices: 12 })).toEqual(createFleet({ seed: 1, devices: 12 }));
    expect(JSON.stringify(createFleet({ seed: 2, devices: 12 }))).not.toBe(JSON.stringify(createFleet({ seed: 1, devices: 12 })));
  });

  it("has the requested number of devices, with about a quarter of the models holding two", () => {
    for (const devices of [2, 3, 4, 12, 50]) {
      const fleet = createFleet({ seed: 3, devices });
      expect(fleet).toHaveLength(countDeviceModels(devices));
      expect(fleet.flatMap((model) => model.devices)).toHaveLength(devices);
      expect(fleet.filter((model) => model.devices.length === 2)).toHaveLength(Math.floor(devices / 4));
      const keys = fleet.flatMap((model) => model.devices.map((device) => device.key));
      expect(new Set(keys).size).toBe(devices);
    }
    expect(() => createFleet({ seed: 1, devices: 1 })).toThrow(RangeError);
  });

  it("finds the smallest fleet with a given number of device models", () => {
    // 66 devices: 16 models with two devices + 34 with one = 50 models; 65 devices give 49
    expect([2, 10, 12, 50].map(countDevicesForModels)).toEqual([2, 13, 15, 66]);
    for (let models = 2; models <= 100; models++) {
      const devices = countDevicesForModels(models);
      expect(countDeviceModels(devices)).toBe(models);
      if (devices > 2) expect(countDeviceModels(devices - 1)).toBeLessThan(models);
    }
    expect(() => countDevicesForModels(1)).toThrow(RangeError);
  });

  it("gives every device model its own identity, even beyond the catalogue", () => {
    const fleet = createFleet({ seed: 5, devices: 40 });
    const identities = fleet.map((model) => `${model.identity.exif.make}|${model.identity.exif.model}`);
    expect(new Set(identities).size).toBe(fleet.length);
    expect(fleet.length).toBeGreaterThan(IDENTITY_CATALOGUE_SIZE);
  });

  it("spreads strengths evenly and makes a stronger model deviate more in every parameter", () => {
    const fleet = createFleet({ seed: 9, devices: 12 });
    const strengths = fleet.map((model) => model.strength).sort((a, b) => a - b);
    expect(strengths[0]).toBeCloseTo(0.1);
    expect(strengths.at(-1)).toBeCloseTo(1);
    for (const model of fleet) {
      const { character: c, strength: s } = model;
      const R = CHARACTER_RANGES;
      // Each deviation is strength × [0.5, 1] of its range.
      const logR = Math.abs(Math.log(c.whiteBalance.r));
      expect(logR).toBeGreaterThanOrEqual(0.5 * s * R.whiteBalanceLog - 1e-9);
      expect(logR).toBeLessThanOrEqual(s * R.whiteBalanceLog + 1e-9);
      expect(Math.abs(c.exposureEv)).toBeGreaterThanOrEqual(0.5 * s * R.exposureEv - 1e-9);
      expect(c.noiseSd).toBeGreaterThanOrEqual(0.5 * s * R.noiseSd - 1e-9);
      expect(c.jpegQuality).toBeLessThanOrEqual(Math.round(95 - 0.5 * s * R.jpegQualityDrop));
      expect(c.framing.zoom).toBeLessThanOrEqual(1 - 0.5 * s * R.zoomDrop + 1e-9);
      expect(model.whiteBalanceShift).toBeCloseTo(Math.max(logR, Math.abs(Math.log(c.whiteBalance.b))));
      expect(c.width % 2).toBe(0);
      expect(Math.max(c.width, c.height)).toBeLessThanOrEqual(1024);
    }
  });

  it("keeps every model's photo at its camera's aspect ratio", () => {
    for (const model of createFleet({ seed: 4, devices: 12, maxPhotoSide: 640 })) {
      const nominal = model.identity.nominalPhotoSize;
      expect(model.character.width / model.character.height).toBeCloseTo(nominal.width / nominal.height, 1);
      expect(Math.max(model.character.width, model.character.height)).toBeLessThanOrEqual(640);
    }
  });
});

describe("describeDeviceIdentity", () => {
  it("writes real-looking identities: Safari without client hints, Chromium browsers with them", () => {
    const all = Array.from({ length: IDENTITY_CATALOGUE_SIZE }, (_, i) => describeDeviceIdentity(i));
    for (const identity of all) {
      expect(identity.userAgent).toMatch(/^Mozilla\/5\.0 \((iPhone|Linux); /);
      if (identity.browser === "Safari") {
        expect(identity.clientHints).toBeNull();
        expect(identity.userAgent).toContain(`iPhone OS ${identity.osVersion.replaceAll(".", "_")} like Mac OS X`);
      } else {
        expect(identity.clientHints?.model).toBe(identity.model);
        expect(identity.clientHints?.platform).toBe("Android");
        expect(identity.clientHints?.mobile).toBe(true);
      }
      if (identity.browser === "Chrome") expect(identity.userAgent).toContain("Android 10; K)");
      if (identity.browser === "Samsung Internet") expect(identity.userAgent).toContain(`SAMSUNG ${identity.model})`);
      expect(identity.exif.make).toBe(identity.make);
    }
    expect(new Set(all.map((identity) => identity.browser))).toEqual(new Set(["Safari", "Chrome", "Samsung Internet"]));
  });

  it("marks identities beyond the catalogue as virtual", () => {
    const repeat = describeDeviceIdentity(IDENTITY_CATALOGUE_SIZE);
    expect(repeat.model).toBe(`${describeDeviceIdentity(0).model} (virtual 2)`);
  });
});
