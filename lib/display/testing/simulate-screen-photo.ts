// Test support (Node only, uses sharp): procedural stimuli and "photos of a screen" made from a
// rendered display frame: a pinhole camera looking at the monitor at a seeded random angle
// (perspective), lens blur, white-balance and exposure shift, glare gradient, sensor noise and JPEG
// compression. Returns the photo and the true screen→photo homography so tests can score detection.
import sharp from "sharp";
import { applyHomography, invertHomography, type Homography } from "@/lib/display/homography";
import { resampleIntoRect } from "@/lib/display/resample";
import type { Point, Rect } from "@/lib/display/layout";
import type { RgbaImage } from "@/lib/display/render-display-frame";

/** Paints `rect` (grown by `grow` pixels on each side) with a flat colour, e.g. to cover a code. */
export function coverRect(image: RgbaImage, rect: Rect, colour: [number, number, number], grow = 0) {
  const x0 = Math.max(0, Math.floor(rect.x - grow));
  const y0 = Math.max(0, Math.floor(rect.y - grow));
  const x1 = Math.min(image.width, Math.ceil(rect.x + rect.width + grow));
  const y1 = Math.min(image.height, Math.ceil(rect.y + rect.height + grow));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const index = (y * image.width + x) * 4;
      image.data[index] = colour[0];
      image.data[index + 1] = colour[1];
      image.data[index + 2] = colour[2];
      image.data[index + 3] = 255;
    }
  }
}

/** Mulberry32: small, fast, seeded. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(random: () => number, low: number, high: number) {
  return low + (high - low) * random();
}

function gaussian(random: () => number) {
  const u = Math.max(1e-12, random());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A procedural stimulus: smooth colour field, shapes and stripes, different for every seed. */
export function generateStimulus(width: number, height: number, seed: number): RgbaImage {
  const random = createRandom(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  const base = [uniform(random, 40, 215), uniform(random, 40, 215), uniform(random, 40, 215)];
  const gradient = [uniform(random, -90, 90), uniform(random, -90, 90), uniform(random, -90, 90)];
  const circles = Array.from({ length: 6 }, () => ({
    x: random() * width,
    y: random() * height,
    r: uniform(random, 0.05, 0.25) * Math.min(width, height),
    colour: [random() * 255, random() * 255, random() * 255],
  }));
  const stripeAngle = random() * Math.PI;
  const stripePeriod = uniform(random, 8, 40);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x / width + y / height) / 2;
      let colour = [0, 1, 2].map((c) => base[c]! + gradient[c]! * (t - 0.5));
      for (const circle of circles) {
        if ((x - circle.x) ** 2 + (y - circle.y) ** 2 < circle.r ** 2) colour = circle.colour;
      }
      const stripe = Math.sin(((x * Math.cos(stripeAngle) + y * Math.sin(stripeAngle)) / stripePeriod) * 2 * Math.PI) * 25;
      const index = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) data[index + c] = colour[c]! + stripe;
      data[index + 3] = 255;
    }
  }
  return { data, width, height };
}

export type ScreenPhotoOptions = {
  photoWidth: number;
  photoHeight: number;
  /** Fraction of the photo the screen would fill seen head-on (in the photo's limiting direction). */
  screenFraction: number;
  /** Degrees. */
  yaw: number;
  pitch: number;
  roll: number;
  /** Shift of the screen centre from the photo centre, as fractions of the photo size. */
  offsetX: number;
  offsetY: number;
  /** Gaussian blur sigma in photo pixels (0 = none). */
  blurSigma: number;
  /** Per-channel gains (white balance and exposure). */
  gains: [number, number, number];
  /** Brightness ramp across the photo (glare), e.g. 0.2 = ±10 %. */
  glare: number;
  /** Sensor noise standard deviation (8-bit levels). */
  noise: number;
  /** JPEG quality (0 = no JPEG round trip). */
  jpegQuality: number;
  /** Colour of everything around the screen. */
  surround: [number, number, number];
  seed: number;
};

/** The screen→photo homography of a pinhole camera looking at the screen (K · [r1 r2 t] · S). */
export function computeCameraHomography(screenWidth: number, screenHeight: number, options: ScreenPhotoOptions): Homography {
  const focal = 0.8 * Math.max(options.photoWidth, options.photoHeight);
  const metresPerPixel = 1 / screenWidth;
  // The screen's width runs along the photo's height when the camera is rolled by about ±90°.
  const sideways = Math.abs(Math.sin(options.roll * (Math.PI / 180))) > Math.SQRT1_2;
  const [alongWidth, alongHeight] = sideways ? [screenHeight, screenWidth] : [screenWidth, screenHeight];
  // Head-on, the screen fills `screenFraction` of the photo in its limiting direction.
  const photoPixelsPerScreenPixel = options.screenFraction * Math.min(options.photoWidth / alongWidth, options.photoHeight / alongHeight);
  const distance = focal / (photoPixelsPerScreenPixel * screenWidth);
  const rad = Math.PI / 180;
  const [cy, sy] = [Math.cos(options.yaw * rad), Math.sin(options.yaw * rad)];
  const [cp, sp] = [Math.cos(options.pitch * rad), Math.sin(options.pitch * rad)];
  const [cr, sr] = [Math.cos(options.roll * rad), Math.sin(options.roll * rad)];
  // R = Rz(roll) · Rx(pitch) · Ry(yaw)
  const ry = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  const rx = [1, 0, 0, 0, cp, -sp, 0, sp, cp];
  const rz = [cr, -sr, 0, sr, cr, 0, 0, 0, 1];
  const multiply = (a: number[], b: number[]) =>
    Array.from({ length: 9 }, (_, i) => {
      const row = Math.floor(i / 3);
      const column = i % 3;
      return a[row * 3]! * b[column]! + a[row * 3 + 1]! * b[3 + column]! + a[row * 3 + 2]! * b[6 + column]!;
    });
  const r = multiply(rz, multiply(rx, ry));
  const tx = options.offsetX * options.photoWidth * (distance / focal);
  const ty = options.offsetY * options.photoHeight * (distance / focal);
  // Screen pixel (u, v) → plane point ((u − W/2)·mpp, (v − H/2)·mpp, 0) → camera r1·X + r2·Y + t.
  const extrinsic = [r[0]!, r[1]!, tx, r[3]!, r[4]!, ty, r[6]!, r[7]!, distance];
  const scale = [metresPerPixel, 0, (-screenWidth / 2) * metresPerPixel, 0, metresPerPixel, (-screenHeight / 2) * metresPerPixel, 0, 0, 1];
  const k = [focal, 0, options.photoWidth / 2, 0, focal, options.photoHeight / 2, 0, 0, 1];
  const h = multiply(k, multiply(extrinsic, scale));
  return h.map((value) => value / h[8]!);
}


/** Warps `screen` into a photo through `h` (screen→photo), samples×samples supersampled bilinear. */
export function warpScreenIntoPhoto(screen: RgbaImage, h: Homography, width: number, height: number, surround: [number, number, number], samples = 1): RgbaImage {
  const photo: RgbaImage = { data: new Uint8ClampedArray(width * height * 4), width, height };
  resampleIntoRect(photo, { x: 0, y: 0, width, height }, screen, invertHomography(h), { samplesPerAxis: samples, outside: surround });
  return photo;
}

/** Standard normal deviates for noise, looked up by a random 16-bit index (fast and seeded). */
const GAUSSIAN_TABLE = (() => {
  const random = createRandom(12345);
  return Float32Array.from({ length: 65536 }, () => gaussian(random));
})();

/** Makes a photo of `screen` as described by `options`; returns it with the true screen→photo homography. */
export async function simulateScreenPhoto(screen: RgbaImage, options: ScreenPhotoOptions): Promise<{ photo: RgbaImage; screenToPhoto: Homography }> {
  const screenToPhoto = computeCameraHomography(screen.width, screen.height, options);
  // Photo pixels per screen pixel near the screen centre decides the supersampling.
  const centre = applyHomography(screenToPhoto, { x: screen.width / 2, y: screen.height / 2 });
  const step = applyHomography(screenToPhoto, { x: screen.width / 2 + 1, y: screen.height / 2 });
  const samples = Math.hypot(step.x - centre.x, step.y - centre.y) < 1 ? 2 : 1;
  let photo = warpScreenIntoPhoto(screen, screenToPhoto, options.photoWidth, options.photoHeight, options.surround, samples);
  if (options.blurSigma > 0.3) {
    const { data } = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 4 } })
      .blur(options.blurSigma)
      .raw()
      .toBuffer({ resolveWithObject: true });
    photo = { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: photo.width, height: photo.height };
  }
  let state = (options.seed ^ 0x5eed) >>> 0 || 1;
  const { data } = photo;
  for (let y = 0; y < photo.height; y++) {
    const ramp = 1 + options.glare * (y / photo.height - 0.5);
    for (let x = 0; x < photo.width; x++) {
      const index = (y * photo.width + x) * 4;
      const gain = ramp * (1 + options.glare * 0.5 * (x / photo.width - 0.5));
      for (let c = 0; c < 3; c++) {
        // xorshift32: one cheap seeded draw per sample, looked up in a table of normal deviates.
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        const noise = GAUSSIAN_TABLE[(state >>> 0) & 0xffff]! * options.noise;
        data[index + c] = data[index + c]! * options.gains[c]! * gain + noise;
      }
    }
  }
  if (options.jpegQuality > 0) {
    const jpeg = await sharp(data, { raw: { width: photo.width, height: photo.height, channels: 4 } }).jpeg({ quality: options.jpegQuality }).toBuffer();
    const decoded = await sharp(jpeg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    photo = { data: new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length), width: decoded.info.width, height: decoded.info.height };
  }
  return { photo, screenToPhoto };
}

/** A screen rectangle's corners (TL, TR, BR, BL) mapped into the photo. */
export function projectRect(h: Homography, rect: Rect): Point[] {
  return [
    { x: rect.x, y: rect.y },
    { x: rect.x + rect.width, y: rect.y },
    { x: rect.x + rect.width, y: rect.y + rect.height },
    { x: rect.x, y: rect.y + rect.height },
  ].map((point) => applyHomography(h, point));
}

/** Seeded options of moderate difficulty: tilt up to ~25°, blur, white balance, noise, JPEG 60–92. */
export function drawScreenPhotoOptions(seed: number, photoWidth: number, photoHeight: number): ScreenPhotoOptions {
  const random = createRandom(seed);
  const rolls = [0, 0, 0, 0, 0, 90, -90, 180];
  return {
    photoWidth,
    photoHeight,
    screenFraction: uniform(random, 0.6, 0.92),
    yaw: uniform(random, -25, 25),
    pitch: uniform(random, -18, 18),
    roll: rolls[Math.floor(random() * rolls.length)]! + uniform(random, -8, 8),
    offsetX: uniform(random, -0.05, 0.05),
    offsetY: uniform(random, -0.05, 0.05),
    blurSigma: uniform(random, 0, 2.5) * (photoWidth / 4032 + 0.25),
    gains: [uniform(random, 0.75, 1.15), uniform(random, 0.85, 1.1), uniform(random, 0.7, 1.2)],
    glare: uniform(random, 0, 0.35),
    noise: uniform(random, 0, 6),
    jpegQuality: Math.round(uniform(random, 60, 92)),
    surround: [uniform(random, 20, 120), uniform(random, 20, 120), uniform(random, 20, 120)],
    seed,
  };
}
