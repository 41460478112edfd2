import { describe, expect, it } from "vitest";
import { computeDisplayLayout, countQrModules, fitMonospaceFontSize, locateCodeInStimulusFrame, type Rect } from "@/lib/display/layout";
import { chooseQrVersion, createQrMatrix, planDisplayFrame } from "@/lib/display/qr-matrix";
import { parseScenePayload } from "@/lib/display/scene-payload";

function overlaps(a: Rect, b: Rect) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function inside(inner: Rect, outer: Rect) {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

describe("display layout", () => {
  it("computes the hand-checked layout of a 1920×1080 screen with a 4:3 stimulus and version-3 codes", () => {
    // shorter side 1080: margin round(21.6) = 22, module floor(0.17·1080/29) = 6 px, grid 312×172 modules;
    // "h": 238×166 available → 221×166 (4:3); "v": 306×98 → 131×98; "h" is larger.
    const layout = computeDisplayLayout({ screenWidth: 1920, screenHeight: 1080, stimulusWidth: 640, stimulusHeight: 480, qrVersion: 3 });
    expect(layout).toMatchObject({ modulePx: 6, qrModules: 29, margin: 22, arrangement: "h", stimulusModulesWide: 221, stimulusModulesHigh: 166 });
    expect(layout.stimulus).toEqual({ x: 297, y: 42, width: 1326, height: 996 });
    // Code 0 (top-left): 5 + 29 modules left of the stimulus, flush with its top; its tile grows 3 modules.
    expect(layout.codes[0]).toEqual({ corner: 0, origin: { x: 93, y: 42 }, sizePx: 174, tile: { x: 75, y: 24, width: 210, height: 210 } });
    // Code 2 (bottom-right): 5 modules right of the stimulus, flush with its bottom.
    expect(layout.codes[2]!.origin).toEqual({ x: 297 + 226 * 6, y: 42 + 137 * 6 });
    // Key text: from the margin to 2 modules before the stimulus, 3 modules clear of the tiles (29 + 3 + 3 = 35 modules).
    expect(layout.keyTextBox).toEqual({ x: 22, y: 42 + 35 * 6, width: 297 - 12 - 22, height: 996 - 2 * 35 * 6 });
  });

  it("puts the codes above and below on a portrait screen", () => {
    const layout = computeDisplayLayout({ screenWidth: 1080, screenHeight: 1920, stimulusWidth: 640, stimulusHeight: 480, qrVersion: 3 });
    expect(layout.arrangement).toBe("v");
    expect(layout.codes[1]!.origin.y + layout.codes[1]!.sizePx).toBe(layout.stimulus.y - 5 * layout.modulePx);
    expect(layout.codes[1]!.origin.x + layout.codes[1]!.sizePx).toBe(layout.stimulus.x + layout.stimulus.width);
  });

  it("keeps every element on screen, apart, and the stimulus at the image's aspect ratio, for many screens", () => {
    const screens = [
      [1920, 1080],
      [1280, 720],
      [1024, 768],
      [3840, 2160],
      [1080, 1920],
      [800, 800],
      [1366, 768],
      [2560, 1080],
    ];
    const stimuli = [
      [640, 480],
      [1, 1],
      [480, 640],
      [1920, 1080],
      [300, 224],
      [5000, 1000],
    ];
    for (const [screenWidth, screenHeight] of screens) {
      for (const [stimulusWidth, stimulusHeight] of stimuli) {
        for (const qrVersion of [2, 3, 5]) {
          const label = `${screenWidth}×${screenHeight} ${stimulusWidth}×${stimulusHeight} v${qrVersion}`;
          const layout = computeDisplayLayout({ screenWidth: screenWidth!, screenHeight: screenHeight!, stimulusWidth: stimulusWidth!, stimulusHeight: stimulusHeight!, qrVersion });
          const screen = { x: 0, y: 0, width: screenWidth!, height: screenHeight! };
          const boxes = [layout.stimulus, ...layout.codes.map((code) => code.tile), layout.keyTextBox, layout.statusBox];
          for (const box of boxes) expect(inside(box, screen), label).toBe(true);
          for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!), `${label} ${i}/${j}`).toBe(false);
          // The drawn box differs from the image's aspect ratio by less than half a module.
          const aspect = stimulusWidth! / stimulusHeight!;
          const error = Math.min(Math.abs(layout.stimulusModulesWide - layout.stimulusModulesHigh * aspect), Math.abs(layout.stimulusModulesHigh - layout.stimulusModulesWide / aspect));
          expect(error, label).toBeLessThanOrEqual(0.5);
          // Pixel positions agree with the stimulus-frame positions the detector uses.
          for (const code of layout.codes) {
            const inFrame = locateCodeInStimulusFrame(layout, code.corner, layout.qrModules);
            expect(code.origin).toEqual({ x: layout.stimulus.x + inFrame.x * layout.modulePx, y: layout.stimulus.y + inFrame.y * layout.modulePx });
          }
        }
      }
    }
  });

  it("refuses screens too small for the codes", () => {
    expect(() => computeDisplayLayout({ screenWidth: 120, screenHeight: 90, stimulusWidth: 4, stimulusHeight: 3, qrVersion: 10 })).toThrow(/too small/);
    expect(() => computeDisplayLayout({ screenWidth: 0, screenHeight: 90, stimulusWidth: 4, stimulusHeight: 3, qrVersion: 1 })).toThrow(/screenWidth/);
    expect(() => countQrModules(41)).toThrow();
  });

  it("sizes the key text to fit its box", () => {
    expect(fitMonospaceFontSize("scene-017", { x: 0, y: 0, width: 263, height: 576 })).toBe(47); // 263 / (9 · 0.62) = 47.1
    expect(fitMonospaceFontSize("ab", { x: 0, y: 0, width: 1000, height: 100 })).toBe(80);
  });
});

describe("QR matrices and frame plans", () => {
  it("makes symbols of 17 + 4·version modules with the finder pattern in the corners", () => {
    const matrix = createQrMatrix("PX1:K7F3QZ:scene-017:0h221x166", 3);
    expect(matrix.size).toBe(29);
    // Finder pattern: dark 7×7 ring, light ring, dark 3×3 centre.
    const dark = (row: number, column: number) => matrix.dark[row * matrix.size + column];
    expect([0, 1, 2, 3, 4, 5, 6].map((c) => dark(0, c))).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect([0, 1, 2, 3, 4, 5, 6].map((c) => dark(1, c))).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect([0, 1, 2, 3, 4, 5, 6].map((c) => dark(3, c))).toEqual([1, 0, 1, 1, 1, 0, 1]);
    expect(dark(7, 7)).toBe(0);
  });

  it("fixes the version from the longest geometry, so every corner's payload fits the same symbol size", () => {
    expect(chooseQrVersion("K7F3QZ", "s1")).toBe(2); // 23 bytes with "3h9999x9999": version 2-M holds 26
    expect(chooseQrVersion("K7F3QZ", "scene-0171")).toBe(3);
    const plan = planDisplayFrame({ screenWidth: 1920, screenHeight: 1080, stimulusWidth: 640, stimulusHeight: 480, studyCode: "K7F3QZ", sceneKey: "scene-017" });
    expect(plan.codes.map((code) => code.payload)).toEqual(["0", "1", "2", "3"].map((corner) => `PX1:K7F3QZ:scene-017:${corner}h221x166`));
    for (const code of plan.codes) {
      expect(code.matrix.version).toBe(plan.layout.qrVersion);
      expect(parseScenePayload(code.payload)?.geometry?.corner).toBe(code.corner);
    }
  });
});
