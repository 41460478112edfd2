import { describe, expect, it } from "vitest";
import { chooseDownscaleFactor, downscaleToGray } from "@/lib/display/downscale";

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([...pixel(x, y), 255], (y * width + x) * 4);
    }
  }
  return data;
}

describe("box downscale to luminance", () => {
  it("averages factor×factor blocks of luminance and drops partial blocks", () => {
    // 5×3 image, factor 2 → 2×1: block (0,0) = {0, 100, 200, 100} grey → 100; block (1,0) = white → 255.
    const grey = [0, 100, 200, 100, 255];
    const data = image(5, 3, (x, y) => {
      const value = x < 2 ? grey[y * 2 + x]! : x < 4 ? 255 : 7;
      return [value, value, value];
    });
    const out = downscaleToGray(data, 5, 3, 2);
    expect(out).toMatchObject({ width: 2, height: 1 });
    expect([...out.data]).toEqual([100, 255]);
  });

  it("weights channels by Rec. 709 luminance", () => {
    const red = downscaleToGray(image(2, 2, () => [255, 0, 0]), 2, 2, 1);
    const green = downscaleToGray(image(2, 2, () => [0, 255, 0]), 2, 2, 1);
    const blue = downscaleToGray(image(2, 2, () => [0, 0, 255]), 2, 2, 1);
    expect([red.data[0], green.data[0], blue.data[0]]).toEqual([54, 182, 18]);
  });

  it("gives the same result on unaligned and byte-typed buffers", () => {
    const data = image(9, 6, (x, y) => [(x * 37 + y * 11) & 255, (x * 5 + y * 91) & 255, (x * y * 13) & 255]);
    const shifted = new Uint8Array(data.length + 1);
    shifted.set(data, 1);
    const aligned = downscaleToGray(data, 9, 6, 3);
    const unaligned = downscaleToGray(shifted.subarray(1), 9, 6, 3);
    expect([...unaligned.data]).toEqual([...aligned.data]);
  });

  it("chooses the smallest integer factor that fits", () => {
    expect(chooseDownscaleFactor(4032, 3024, 1400)).toBe(3);
    expect(chooseDownscaleFactor(1400, 1000, 1400)).toBe(1);
    expect(chooseDownscaleFactor(1401, 1000, 1400)).toBe(2);
  });
});
