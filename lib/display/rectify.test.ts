import { describe, expect, it } from "vitest";
import { applyHomography } from "@/lib/display/homography";
import { chooseRectifiedSize, rectifyStimulus } from "@/lib/display/rectify";
import { generateStimulus, warpScreenIntoPhoto } from "@/lib/display/testing/simulate-screen-photo";

describe("rectifyStimulus", () => {
  it("copies pixels exactly when the stimulus sits unscaled at an integer offset", () => {
    const stimulus = generateStimulus(40, 30, 3);
    const width = 100;
    const height = 80;
    const photo = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < 30; y++) photo.set(stimulus.data.subarray(y * 40 * 4, (y + 1) * 40 * 4), ((y + 17) * width + 11) * 4);
    // One module = one photo pixel, stimulus frame origin at (11, 17).
    const detection = {
      stimulusModules: { wide: 40, high: 30 },
      stimulusToPhoto: [1, 0, 11, 0, 1, 17, 0, 0, 1],
      stimulusQuad: [
        { x: 11, y: 17 },
        { x: 51, y: 17 },
        { x: 51, y: 47 },
        { x: 11, y: 47 },
      ] as [{ x: number; y: number }, { x: number; y: number }, { x: number; y: number }, { x: number; y: number }],
    };
    const crop = rectifyStimulus(photo, width, height, detection);
    expect(crop).toMatchObject({ width: 40, height: 30, samplesPerAxis: 1, outsidePixels: 0 });
    expect(crop.data).toEqual(stimulus.data);
    // Same crop from a byte buffer that cannot be viewed as 32-bit words.
    const unaligned = new Uint8Array(photo.length + 1);
    unaligned.set(photo, 1);
    expect(rectifyStimulus(unaligned.subarray(1), width, height, detection).data).toEqual(stimulus.data);
  });

  it("undoes a perspective warp", () => {
    const stimulus = generateStimulus(64, 48, 5);
    // Stimulus frame (64×48 modules) → photo, with perspective.
    const h = [3.1, 0.4, 120, -0.3, 2.8, 90, 4e-4, 2e-4, 1];
    const photo = warpScreenIntoPhoto(stimulus, h, 500, 400, [0, 0, 0], 2);
    const quad = [
      { x: 0, y: 0 },
      { x: 64, y: 0 },
      { x: 64, y: 48 },
      { x: 0, y: 48 },
    ].map((p) => applyHomography(h, p)) as [{ x: number; y: number }, { x: number; y: number }, { x: number; y: number }, { x: number; y: number }];
    const detection = { stimulusModules: { wide: 64, high: 48 }, stimulusToPhoto: h, stimulusQuad: quad };
    const crop = rectifyStimulus(photo.data, photo.width, photo.height, detection, { width: 64, height: 48 });
    expect(crop.samplesPerAxis).toBeGreaterThan(1);
    let sum = 0;
    for (let i = 0; i < crop.data.length; i += 4) for (let c = 0; c < 3; c++) sum += Math.abs(crop.data[i + c]! - stimulus.data[i + c]!);
    // Mean absolute error per channel, 8-bit: resampling twice blurs edges a little; misregistration by a pixel would be ~20.
    expect(sum / (64 * 48 * 3)).toBeLessThan(8);
  });

  it("sizes the crop from the stimulus aspect ratio", () => {
    const detection = {
      stimulusModules: { wide: 221, high: 166 },
      stimulusQuad: [
        { x: 0, y: 0 },
        { x: 1000, y: 0 },
        { x: 1000, y: 750 },
        { x: 0, y: 750 },
      ] as [{ x: number; y: number }, { x: number; y: number }, { x: number; y: number }, { x: number; y: number }],
    };
    expect(chooseRectifiedSize(detection)).toEqual({ width: 1000, height: 751 });
    expect(chooseRectifiedSize(detection, { longSide: 224 })).toEqual({ width: 224, height: 168 });
    expect(chooseRectifiedSize({ ...detection, stimulusModules: { wide: 166, high: 221 } }, { longSide: 224 })).toEqual({ width: 168, height: 224 });
    expect(() => chooseRectifiedSize({ stimulusModules: null, stimulusQuad: null })).toThrow(/no stimulus geometry/);
  });
});
