import { describe, expect, it } from "vitest";
import { resampleIntoRect, type RgbaImage } from "@/lib/display/resample";

const source = { data: new Uint8ClampedArray([10, 20, 30, 255, 50, 60, 70, 255, 90, 100, 110, 255, 130, 140, 150, 255]), width: 2, height: 2 };

describe("resampleIntoRect", () => {
  it("interpolates bilinearly between pixel centres", () => {
    // A 4×4 target over the 2×2 source (scale 1/2): target pixel (1, 1) centre (1.5, 1.5) → source (0.75, 0.75),
    // i.e. pixel-centre index (0.25, 0.25): 0.5625·p00 + 0.1875·p01 + 0.1875·p10 + 0.0625·p11.
    const target: RgbaImage = { data: new Uint8ClampedArray(4 * 4 * 4), width: 4, height: 4 };
    expect(resampleIntoRect(target, { x: 0, y: 0, width: 4, height: 4 }, source, [0.5, 0, 0, 0, 0.5, 0, 0, 0, 1])).toBe(0);
    const index = (1 * 4 + 1) * 4;
    expect([...target.data.subarray(index, index + 4)]).toEqual([40, 50, 60, 255]); // red 5.625 + 9.375 + 16.875 + 8.125; green and blue 10 and 20 more
  });

  it("fills samples outside the source with the outside colour, clips to the target and counts empty pixels", () => {
    const target: RgbaImage = { data: new Uint8ClampedArray(3 * 3 * 4), width: 3, height: 3 };
    // Shifted by 10 source pixels: nothing lands on the source. The rect hangs over the target's edge.
    const empty = resampleIntoRect(target, { x: 1, y: 1, width: 5, height: 5 }, source, [1, 0, 10, 0, 1, 10, 0, 0, 1], { samplesPerAxis: 2, outside: [7, 8, 9] });
    expect(empty).toBe(4);
    expect([...target.data.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect([...target.data.subarray((2 * 3 + 2) * 4, (2 * 3 + 2) * 4 + 4)]).toEqual([7, 8, 9, 255]);
    expect(() => resampleIntoRect(target, { x: 0, y: 0, width: 1, height: 1 }, source, [1, 0, 0, 0, 1, 0, 0, 0, 1], { samplesPerAxis: 0 })).toThrow(/samplesPerAxis/);
  });
});
