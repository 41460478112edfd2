import { createHash } from "node:crypto";
import exifr from "exifr";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { createFleet, neutralCameraCharacter, type CameraCharacter } from "./device-models";
import { preprocessImage, sourceWindowOf, type PreprocessingSpec } from "@/lib/inference/preprocess";
import {
  applyColourPipeline,
  applyUnsharpMask,
  buildToneTables,
  computeFramingRegion,
  createCaptureWindowRenderer,
  createColourPipeline,
  createRegionResizer,
  formatExifDate,
  inverseNormalCdf,
  renderCapture,
  type RgbImage,
} from "./render-capture";
import { createRandom } from "./random";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A small textured scene: gradients plus seeded blobs, so every ISP step changes something. */
function makeScene(width = 320, height = 240): RgbImage {
  const random = createRandom("test-scene");
  const data = new Uint8Array(width * height * 3);
  const blobs = Array.from({ length: 12 }, () => ({ x: random.range(0, width), y: random.range(0, height), r: random.range(10, 50), c: [random.int(0, 255), random.int(0, 255), random.int(0, 255)] }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      let colour = [(x / width) * 255, (y / height) * 255, 128];
      for (const blob of blobs) if ((x - blob.x) ** 2 + (y - blob.y) ** 2 < blob.r ** 2) colour = blob.c;
      data[i] = colour[0]!;
      data[i + 1] = colour[1]!;
      data[i + 2] = colour[2]!;
    }
  }
  return { width, height, data };
}

const neutral: CameraCharacter = neutralCameraCharacter({ width: 160, height: 120 }, 90);

const scene = makeScene();
const [model] = createFleet({ seed: 11, devices: 4, maxPhotoSide: 200 });
const capturedAt = new Date(Date.UTC(2024, 4, 17, 9, 30, 5));
const shot = { offsetX: 0.01, offsetY: -0.005, zoom: 0.98, noiseSeed: "shot-1" };
const render = (overrides: Partial<Parameters<typeof renderCapture>[0]> = {}) =>
  renderCapture({ scene, character: model!.character, identity: model!.identity, shot, capturedAt, ...overrides });

describe("renderCapture", () => {
  const defaultConcurrency = sharp.concurrency();
  afterAll(() => {
    sharp.concurrency(defaultConcurrency);
  });

  it("gives byte-identical JPEGs for the same inputs, whatever libvips' thread count", async () => {
    const first = await render();
    const second = await render();
    sharp.concurrency(1);
    sharp.cache(false);
    const singleThreaded = await render();
    sharp.concurrency(4);
    const fourThreads = await render();
    sharp.cache(true);
    expect(sha256(second.bytes)).toBe(sha256(first.bytes));
    expect(sha256(singleThreaded.bytes)).toBe(sha256(first.bytes));
    expect(sha256(fourThreads.bytes)).toBe(sha256(first.bytes));
  });

  it("changes the photo when the noise seed, the aim or the camera changes", async () => {
    const base = sha256((await render()).bytes);
    expect(sha256((await render({ shot: { ...shot, noiseSeed: "shot-2" } })).bytes)).not.toBe(base);
    expect(sha256((await render({ shot: { ...shot, offsetX: 0.03 } })).bytes)).not.toBe(base);
    const other = createFleet({ seed: 12, devices: 4, maxPhotoSide: 200 })[0]!;
    expect(sha256((await render({ character: other.character })).bytes)).not.toBe(base);
  });

  it("writes a JPEG of the camera's size, quality-dependent, with its chroma subsampling", async () => {
    const character = { ...neutral, noiseSd: 3 };
    const low = await render({ character: { ...character, jpegQuality: 40 } });
    const high = await render({ character: { ...character, jpegQuality: 95 } });
    expect(low.bytes.length).toBeLessThan(high.bytes.length);
    const fullChroma = await render({ character: { ...character, chromaSubsampling: "4:4:4" } });
    const subsampled = await render({ character: { ...character, chromaSubsampling: "4:2:0" } });
    expect((await sharp(fullChroma.bytes).metadata()).chromaSubsampling).toBe("4:4:4");
    const meta = await sharp(subsampled.bytes).metadata();
    expect(meta.chromaSubsampling).toBe("4:2:0");
    expect(meta.format).toBe("jpeg");
    expect([meta.width, meta.height]).toEqual([160, 120]);
  });

  it("writes EXIF Make, Model, Software and the capture time, and no GPS", async () => {
    const { bytes } = await render();
    const tags = await exifr.parse(Buffer.from(bytes), { tiff: true, exif: true, gps: true, reviveValues: false });
    expect(tags.Make).toBe(model!.identity.exif.make);
    expect(tags.Model).toBe(model!.identity.exif.model);
    expect(tags.Software).toBe(model!.identity.exif.software);
    expect(tags.DateTimeOriginal).toBe("2024:05:17 09:30:05");
    expect(await exifr.gps(Buffer.from(bytes))).toBeUndefined();
    expect(Object.keys(tags).filter((key) => /gps|latitude|longitude/i.test(key))).toEqual([]);
  });

  it("shifts colours the way its white balance says", async () => {
    const grey: RgbImage = { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(128) };
    const warm = { ...neutral, width: 64, height: 48, whiteBalance: { r: 1.2, g: 1, b: 0.8 }, chromaSubsampling: "4:4:4" as const };
    const { bytes } = await renderCapture({ scene: grey, character: warm, identity: model!.identity, shot: { offsetX: 0, offsetY: 0, zoom: 1, noiseSeed: 1 }, capturedAt });
    const stats = await sharp(bytes).stats();
    const [r, g, b] = stats.channels.map((channel) => channel.mean);
    expect(r!).toBeGreaterThan(g! + 10);
    expect(b!).toBeLessThan(g! - 10);
  });
});

describe("createCaptureWindowRenderer (the bulk mode's camera)", () => {
  // The built-in colour checker's preprocessing: shorter side 64, centre crop 32×32.
  const spec: PreprocessingSpec = { resize: "shorter-side", resizeShorterSide: 64, width: 32, height: 32, colorOrder: "RGB", scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1], layout: "NCHW" };
  const small = { ...model!.character, width: 86, height: 64 };

  it("renders exactly the window of the small photo that the preprocessing reads, and leaves the rest 0", () => {
    const character = { ...small, noiseSd: 0 };
    const pixels = createCaptureWindowRenderer(character, spec)(scene, shot);
    // The whole small photo, through the same framing, resize and colour pipeline.
    const aim = { offsetX: character.framing.offsetX + shot.offsetX, offsetY: character.framing.offsetY + shot.offsetY, zoom: character.framing.zoom * shot.zoom };
    const photo = { width: 86, height: 64 };
    const whole = createColourPipeline(character)(createRegionResizer(photo, { left: 0, top: 0, ...photo })(scene, computeFramingRegion(scene, character, aim)), 0);
    const window = sourceWindowOf(spec, 86, 64);
    const rgba = new Uint8Array(86 * 64 * 4);
    let inside = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 86; x++) {
        const i = y * 86 + x;
        rgba.set([whole[i * 3]!, whole[i * 3 + 1]!, whole[i * 3 + 2]!, 255], i * 4);
        const isInside = x >= window.left && x < window.left + window.width && y >= window.top && y < window.top + window.height;
        if (isInside) inside += 1;
        expect([...pixels.data.subarray(i * 4, i * 4 + 4)]).toEqual(isInside ? [whole[i * 3], whole[i * 3 + 1], whole[i * 3 + 2], 255] : [0, 0, 0, 0]);
      }
    }
    expect(inside).toBe(33 * 33);
    expect(preprocessImage(pixels, spec).tensor).toEqual(preprocessImage({ data: rgba, width: 86, height: 64 }, spec).tensor);
  });

  it("changes with the noise seed, the aim and the camera's white balance", () => {
    const render = createCaptureWindowRenderer(small, spec);
    const base = render(scene, shot).data.slice();
    expect(render(scene, shot).data).toEqual(base);
    expect(render(scene, { ...shot, noiseSeed: "shot-2" }).data).not.toEqual(base);
    expect(render(scene, { ...shot, offsetX: 0.05 }).data).not.toEqual(base);
    const grey: RgbImage = { width: 96, height: 72, data: new Uint8Array(96 * 72 * 3).fill(128) };
    const warm = createCaptureWindowRenderer({ ...neutral, width: 86, height: 64, whiteBalance: { r: 1.2, g: 1, b: 0.8 } }, spec)(grey, shot);
    const window = sourceWindowOf(spec, 86, 64);
    const centre = ((window.top + 10) * 86 + window.left + 10) * 4;
    const [r, g, b] = warm.data.subarray(centre, centre + 3);
    expect(r!).toBeGreaterThan(g! + 10);
    expect(b!).toBeLessThan(g! - 10);
  });

  it("resizes a region with the shared triangle filter, only inside the window (hand-computed)", () => {
    // 2 → 4 pixels: 0, 25, 75, 100 (as preprocessImage upscales); the window keeps outputs 1 and 2.
    const row: RgbImage = { width: 3, height: 1, data: new Uint8Array([9, 9, 9, 0, 0, 0, 100, 100, 100]) };
    const resize = createRegionResizer({ width: 4, height: 1 }, { left: 1, top: 0, width: 2, height: 1 });
    expect([...resize(row, { left: 1, top: 0, width: 2, height: 1 })]).toEqual([25, 25, 25, 75, 75, 75]);
  });
});

describe("the ISP steps", () => {
  it("leaves pixels unchanged with a neutral character (tone tables are the identity)", () => {
    const tables = buildToneTables(neutral);
    for (const table of tables) for (let v = 0; v < 256; v++) expect(Math.round(table[v]! * 255)).toBe(v);
    const pixels = new Uint8Array([0, 10, 20, 128, 128, 128, 250, 251, 255]);
    expect([...applyColourPipeline(pixels, neutral, 1)]).toEqual([...pixels]);
  });

  it("brightens with positive exposure, clips highlights, and steepens mid-tones with contrast", () => {
    const [bright] = buildToneTables({ ...neutral, exposureEv: 1 });
    expect(bright[100]!).toBeGreaterThan(100 / 255);
    expect(bright[255]).toBe(1);
    expect(bright[200]).toBe(1);
    const [contrasty] = buildToneTables({ ...neutral, contrast: 1.5 });
    expect(contrasty[64]!).toBeLessThan(64 / 255);
    expect(contrasty[192]!).toBeGreaterThan(192 / 255);
  });

  it("applies one character's pipeline to many captures, in place when asked, as applyColourPipeline does", () => {
    const pixels = Uint8Array.from({ length: 3 * 500 }, (_, i) => (i * 97) % 256);
    const pipeline = createColourPipeline(model!.character);
    const expected = applyColourPipeline(pixels, model!.character, "shot");
    expect(pipeline(pixels, "shot")).toEqual(expected);
    const inPlace = pixels.slice();
    expect(pipeline(inPlace, "shot", inPlace)).toBe(inPlace);
    expect(inPlace).toEqual(expected);
  });

  it("adds noise of the requested size, reproducibly from its seed", () => {
    const flat = new Uint8Array(3 * 20_000).fill(128);
    const noisy = applyColourPipeline(flat, { ...neutral, noiseSd: 5 }, "n");
    const mean = noisy.reduce((s, v) => s + v, 0) / noisy.length;
    const sd = Math.sqrt(noisy.reduce((s, v) => s + (v - mean) ** 2, 0) / noisy.length);
    expect(mean).toBeGreaterThan(127.8);
    expect(mean).toBeLessThan(128.2);
    expect(sd).toBeGreaterThan(4.8);
    expect(sd).toBeLessThan(5.2);
    expect(applyColourPipeline(flat, { ...neutral, noiseSd: 5 }, "n")).toEqual(noisy);
    expect(applyColourPipeline(flat, { ...neutral, noiseSd: 5 }, "m")).not.toEqual(noisy);
  });

  it("inverts the normal CDF", () => {
    expect(inverseNormalCdf(0.5)).toBeCloseTo(0, 9);
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959964, 5);
    expect(inverseNormalCdf(0.001)).toBeCloseTo(-3.090232, 5);
  });

  it("sharpens edges by the requested amount", () => {
    expect([...applyUnsharpMask(new Uint8Array([100, 200]), new Uint8Array([120, 180]), 1)]).toEqual([80, 220]);
    expect([...applyUnsharpMask(new Uint8Array([10, 250]), new Uint8Array([100, 100]), 2)]).toEqual([0, 255]);
  });

  it("frames the phone's aspect inside the scene, aimed and zoomed, never outside it", () => {
    expect(computeFramingRegion({ width: 400, height: 400 }, { width: 40, height: 30 }, { offsetX: 0, offsetY: 0, zoom: 1 })).toEqual({ left: 0, top: 50, width: 400, height: 300 });
    expect(computeFramingRegion({ width: 400, height: 300 }, { width: 40, height: 30 }, { offsetX: 0.1, offsetY: 0, zoom: 0.5 })).toEqual({ left: 140, top: 75, width: 200, height: 150 });
    const clamped = computeFramingRegion({ width: 400, height: 300 }, { width: 40, height: 30 }, { offsetX: 0.5, offsetY: -0.5, zoom: 0.9 });
    expect(clamped).toEqual({ left: 40, top: 0, width: 360, height: 270 });
  });

  it("formats EXIF dates", () => {
    expect(formatExifDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe("2024:01:02 03:04:05");
  });
});
