// Library-level "done when" of display mode: display frames rendered exactly as the page draws
// them, photographed by a simulated phone (perspective, blur, white balance, glare, noise, JPEG,
// some codes covered), must be tagged with the right scene and the stimulus found precisely.
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { detectScene } from "@/lib/display/detect-scene";
import { fitMonospaceFontSize, type Rect } from "@/lib/display/layout";
import { planDisplayFrame } from "@/lib/display/qr-matrix";
import { loadQrReaderForNode } from "@/lib/display/qr-reader-node";
import { computeConvexIou } from "@/lib/display/polygon";
import { rectifyStimulus } from "@/lib/display/rectify";
import { renderDisplayFrame, type RgbaImage } from "@/lib/display/render-display-frame";
import { createQrMatrix } from "@/lib/display/qr-matrix";
import { buildScreenPhotoCases } from "@/lib/display/testing/screen-photo-cases";
import { coverRect, generateStimulus, projectRect, simulateScreenPhoto } from "@/lib/display/testing/simulate-screen-photo";

beforeAll(async () => {
  await loadQrReaderForNode();
});

/** Pearson correlation of the luminance of two RGBA images of the same size. */
function correlateLuminance(a: Uint8ClampedArray | Uint8Array, b: Uint8ClampedArray | Uint8Array): number {
  const lum = (data: Uint8ClampedArray | Uint8Array, i: number) => 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
  let n = 0;
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let i = 0; i < a.length; i += 4) {
    const x = lum(a, i);
    const y = lum(b, i);
    n++;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  return (sab - (sa * sb) / n) / Math.sqrt((saa - (sa * sa) / n) * (sbb - (sb * sb) / n));
}

/** White glyph-like bars filling a text box as the page's large text would (the page draws real text). */
function drawFakeText(frame: RgbaImage, box: Rect, characters: number) {
  const size = fitMonospaceFontSize("x".repeat(characters), box);
  const width = characters * size * 0.62;
  const x0 = box.x + (box.width - width) / 2;
  const y0 = box.y + (box.height - size) / 2;
  for (let index = 0; index < characters; index++) {
    coverRect(frame, { x: x0 + index * size * 0.62 + size * 0.08, y: y0, width: size * 0.12, height: size }, [255, 255, 255]);
    coverRect(frame, { x: x0 + index * size * 0.62 + size * 0.08, y: y0 + (index % 3) * size * 0.4, width: size * 0.45, height: size * 0.12 }, [255, 255, 255]);
  }
}

async function resizeStimulus(stimulus: RgbaImage, width: number, height: number) {
  const { data } = await sharp(stimulus.data, { raw: { width: stimulus.width, height: stimulus.height, channels: 4 } })
    .resize(width, height, { fit: "fill", kernel: "cubic" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

describe("detectScene on simulated phone photos of the display", () => {
  it("tags ≥ 95 % of 40 photos with the right scene, never a wrong one, and finds the stimulus with IoU ≥ 0.90", async () => {
    const cases = buildScreenPhotoCases(40, 1);
    const rows: string[] = [];
    const ious: number[] = [];
    const correlations: number[] = [];
    let correct = 0;
    let wrong = 0;
    for (const testCase of cases) {
      const plan = planDisplayFrame(testCase);
      const stimulus = generateStimulus(testCase.stimulusWidth, testCase.stimulusHeight, 100 + testCase.index);
      const frame = renderDisplayFrame(plan, stimulus);
      drawFakeText(frame, plan.layout.keyTextBox, testCase.sceneKey.length);
      drawFakeText(frame, plan.layout.statusBox, 8);
      for (const corner of testCase.coveredCorners) coverRect(frame, plan.codes[corner]!.tile, [190, 150, 120], 2 * plan.layout.modulePx);
      const { photo, screenToPhoto } = await simulateScreenPhoto(frame, testCase.photo);
      const detection = await detectScene(photo.data, photo.width, photo.height);
      const truth = projectRect(screenToPhoto, plan.layout.stimulus);
      const label = `#${testCase.index} ${testCase.screenWidth}×${testCase.screenHeight} photo ${photo.width}×${photo.height} roll ${testCase.photo.roll.toFixed(0)}° yaw ${testCase.photo.yaw.toFixed(0)}° pitch ${testCase.photo.pitch.toFixed(0)}° blur ${testCase.photo.blurSigma.toFixed(1)} q${testCase.photo.jpegQuality} covered ${testCase.coveredCorners.length}`;
      if (!detection) {
        rows.push(`${label}: not found`);
        continue;
      }
      if (detection.sceneKey !== testCase.sceneKey || detection.studyCode !== testCase.studyCode) {
        wrong++;
        rows.push(`${label}: WRONG scene ${detection.studyCode}/${detection.sceneKey}`);
        continue;
      }
      correct++;
      expect(detection.stimulusQuad, label).not.toBeNull();
      const iou = computeConvexIou(detection.stimulusQuad!, truth);
      ious.push(iou);
      // The crop shows the stimulus: its luminance correlates with the original's (a different stimulus does not, see below).
      const crop = rectifyStimulus(photo.data, photo.width, photo.height, detection, { longSide: 96 });
      const correlation = correlateLuminance(crop.data, await resizeStimulus(stimulus, crop.width, crop.height));
      correlations.push(correlation);
      rows.push(`${label}: codes ${detection.codes.length} (refined ${detection.codes.filter((code) => code.tileCorners).length}) IoU ${iou.toFixed(4)} r ${correlation.toFixed(3)}`);
      expect(iou, label).toBeGreaterThanOrEqual(0.9);
      expect(correlation, label).toBeGreaterThan(0.8);
    }
    const sorted = [...ious].sort((a, b) => a - b);
    const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(4);
    console.log(
      [...rows, `decoded ${correct}/${cases.length}, wrong ${wrong}; IoU min ${quantile(0)} p10 ${quantile(0.1)} median ${quantile(0.5)}; crop correlation min ${Math.min(...correlations).toFixed(3)}`].join("\n"),
    );
    expect(wrong).toBe(0);
    expect(correct / cases.length).toBeGreaterThanOrEqual(0.95);
  }, 600_000);

  it("rectifies a crop that does not match a different stimulus (the correlation check can fail)", async () => {
    const [testCase] = buildScreenPhotoCases(1, 3);
    const plan = planDisplayFrame(testCase!);
    const stimulus = generateStimulus(testCase!.stimulusWidth, testCase!.stimulusHeight, 1);
    const other = generateStimulus(testCase!.stimulusWidth, testCase!.stimulusHeight, 2);
    const { photo } = await simulateScreenPhoto(renderDisplayFrame(plan, stimulus), testCase!.photo);
    const detection = await detectScene(photo.data, photo.width, photo.height);
    expect(detection?.sceneKey).toBe(testCase!.sceneKey);
    const crop = rectifyStimulus(photo.data, photo.width, photo.height, detection!, { longSide: 96 });
    expect(correlateLuminance(crop.data, await resizeStimulus(stimulus, crop.width, crop.height))).toBeGreaterThan(0.8);
    expect(Math.abs(correlateLuminance(crop.data, await resizeStimulus(other, crop.width, crop.height)))).toBeLessThan(0.5);
  }, 60_000);

  it("finds the stimulus exactly on an unwarped screenshot, with and without corner refinement", async () => {
    const plan = planDisplayFrame({ screenWidth: 1920, screenHeight: 1080, stimulusWidth: 640, stimulusHeight: 480, studyCode: "K7F3QZ", sceneKey: "scene-017" });
    const frame = renderDisplayFrame(plan, generateStimulus(640, 480, 9));
    const { x, y, width, height } = plan.layout.stimulus;
    const truth = [
      { x, y },
      { x: x + width, y },
      { x: x + width, y: y + height },
      { x, y: y + height },
    ];
    for (const refineCorners of [true, false]) {
      const detection = await detectScene(frame.data, frame.width, frame.height, { refineCorners });
      expect(detection).toMatchObject({ studyCode: "K7F3QZ", sceneKey: "scene-017", payload: expect.stringMatching(/^PX1:K7F3QZ:scene-017:[0-3]h221x166$/) });
      expect(detection!.codes.map((code) => code.corner).sort()).toEqual([0, 1, 2, 3]);
      expect(detection!.codes.every((code) => (code.tileCorners !== null) === refineCorners)).toBe(true);
      // The reader's corners are whole working pixels (here 2 screen pixels); the refined tile edges are subpixel.
      const errors = detection!.stimulusQuad!.map((corner, index) => Math.hypot(corner.x - truth[index]!.x, corner.y - truth[index]!.y));
      expect(Math.max(...errors), `refine ${refineCorners}: ${errors.join(", ")}`).toBeLessThan(refineCorners ? 0.1 : 2 * detection!.working.factor);
    }
  });

  it("ignores foreign QR codes and returns null when there is no Parallax code", async () => {
    const width = 800;
    const height = 600;
    const image: RgbaImage = { data: new Uint8ClampedArray(width * height * 4).fill(255), width, height };
    const foreign = createQrMatrix("https://example.com/some/other/code");
    const modulePx = 8;
    for (let row = 0; row < foreign.size; row++) {
      for (let column = 0; column < foreign.size; column++) {
        if (foreign.dark[row * foreign.size + column]) coverRect(image, { x: 100 + column * modulePx, y: 100 + row * modulePx, width: modulePx, height: modulePx }, [0, 0, 0]);
      }
    }
    expect(await detectScene(image.data, width, height)).toBeNull();
    expect(await detectScene(new Uint8ClampedArray(width * height * 4), width, height)).toBeNull();
  });

  it("reads a plain scene tag without geometry, and filters by study", async () => {
    const width = 640;
    const height = 480;
    const image: RgbaImage = { data: new Uint8ClampedArray(width * height * 4).fill(255), width, height };
    const tag = createQrMatrix("PX1:K7F3QZ:card-3");
    for (let row = 0; row < tag.size; row++) {
      for (let column = 0; column < tag.size; column++) {
        if (tag.dark[row * tag.size + column]) coverRect(image, { x: 150 + column * 9, y: 80 + row * 9, width: 9, height: 9 }, [0, 0, 0]);
      }
    }
    const detection = await detectScene(image.data, width, height);
    expect(detection).toMatchObject({ studyCode: "K7F3QZ", sceneKey: "card-3", stimulusQuad: null, stimulusModules: null });
    expect(detection!.corners[0].x).toBeCloseTo(150, 0);
    expect(detection!.corners[2].y).toBeCloseTo(80 + tag.size * 9, 0);
    expect(await detectScene(image.data, width, height, { studyCode: "OTHER" })).toBeNull();
    expect(() => rectifyStimulus(image.data, width, height, detection!)).toThrow(/no stimulus geometry/);
  });
});
