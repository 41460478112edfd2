// The scenes the virtual phones photograph. By default they are drawn procedurally from the seed
// (the repository ships no photos): colour patches, gradients, shapes, gratings, checkerboards and
// smooth textures, each in its own seeded colours. A folder of photos (`--base-images DIR`) or a
// study's stimulus images can be used instead. Scenes load lazily, one at a time, so a large
// folder costs nothing until a phone "looks" at it.
import "server-only";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { createRandom, type Random, type Seed } from "./random";
import { decodeToRgb, type RgbImage } from "./render-capture";

export type BaseScene = {
  /** The study's scene key. */
  key: string;
  /** Ground-truth label (text as in the model's labels), when known. */
  label?: string;
  /** "procedural:<kind>", "file:<name>" or "stimulus:<key>". */
  source: string;
  load(): Promise<RgbImage>;
};

export const PROCEDURAL_SCENE_KINDS = ["patches", "gradient", "shapes", "grating", "checkerboard", "texture"] as const;
export type ProceduralSceneKind = (typeof PROCEDURAL_SCENE_KINDS)[number];

type Colour = [number, number, number];

function drawColour(random: Random): Colour {
  // Avoid the extremes: real scenes rarely sit exactly at 0 or 255.
  return [random.int(20, 235), random.int(20, 235), random.int(20, 235)];
}

function mix(a: Colour, b: Colour, t: number): Colour {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function createCanvas(width: number, height: number) {
  const data = new Uint8Array(width * height * 3);
  const set = (x: number, y: number, c: Colour) => {
    const i = (y * width + x) * 3;
    data[i] = Math.round(c[0]);
    data[i + 1] = Math.round(c[1]);
    data[i + 2] = Math.round(c[2]);
  };
  return { data, set };
}

function paint(width: number, height: number, colourAt: (x: number, y: number) => Colour): RgbImage {
  const canvas = createCanvas(width, height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) canvas.set(x, y, colourAt(x, y));
  return { width, height, data: canvas.data };
}

/** Smooth value noise: coarse random grids, bilinearly interpolated, three octaves; values in [0, 1]. */
function drawValueNoise(random: Random, cells: number, width: number, height: number): Float32Array {
  const field = new Float32Array(width * height);
  let amplitude = 1;
  let total = 0;
  for (const size of [cells, cells * 2, cells * 4]) {
    const stride = size + 1;
    const grid = Float32Array.from({ length: stride * stride }, () => random.float());
    for (let y = 0; y < height; y++) {
      const gy = (y / height) * size;
      const y0 = Math.min(size - 1, Math.floor(gy));
      const fy = gy - y0;
      for (let x = 0; x < width; x++) {
        const gx = (x / width) * size;
        const x0 = Math.min(size - 1, Math.floor(gx));
        const fx = gx - x0;
        const i = y0 * stride + x0;
        const top = grid[i]! * (1 - fx) + grid[i + 1]! * fx;
        const bottom = grid[i + stride]! * (1 - fx) + grid[i + stride + 1]! * fx;
        field[y * width + x]! += amplitude * (top * (1 - fy) + bottom * fy);
      }
    }
    total += amplitude;
    amplitude /= 2;
  }
  for (let i = 0; i < field.length; i++) field[i]! /= total;
  return field;
}

/** One procedural scene of the given kind, entirely determined by `random`. */
export function drawProceduralScene(kind: ProceduralSceneKind, random: Random, width = 800, height = 600): RgbImage {
  switch (kind) {
    case "patches": {
      const columns = random.int(4, 8);
      const rows = random.int(3, 6);
      const border: Colour = drawColour(random).map((v) => v * 0.3) as Colour;
      const colours = Array.from({ length: columns * rows }, () => drawColour(random));
      const gap = 0.08;
      return paint(width, height, (x, y) => {
        const cx = (x / width) * columns;
        const cy = (y / height) * rows;
        const inGap = cx % 1 < gap || cx % 1 > 1 - gap || cy % 1 < gap || cy % 1 > 1 - gap;
        return inGap ? border : colours[Math.floor(cy) * columns + Math.floor(cx)]!;
      });
    }
    case "gradient": {
      const from = drawColour(random);
      const to = drawColour(random);
      const radial = random.chance(0.5);
      const angle = random.range(0, Math.PI);
      const cx = random.range(0.3, 0.7);
      const cy = random.range(0.3, 0.7);
      return paint(width, height, (x, y) => {
        const u = x / width;
        const v = y / height;
        const t = radial ? Math.min(1, Math.hypot(u - cx, (v - cy) * (height / width)) * 1.6) : Math.min(1, Math.max(0, 0.5 + (u - 0.5) * Math.cos(angle) + (v - 0.5) * Math.sin(angle)));
        return mix(from, to, t);
      });
    }
    case "shapes": {
      const background = drawColour(random);
      const shapes = Array.from({ length: random.int(4, 12) }, () => ({
        kind: random.pick(["circle", "rectangle", "triangle"] as const),
        x: random.range(0.1, 0.9) * width,
        y: random.range(0.1, 0.9) * height,
        size: random.range(0.06, 0.25) * Math.min(width, height),
        colour: drawColour(random),
      }));
      return paint(width, height, (x, y) => {
        let colour = background;
        for (const shape of shapes) {
          const dx = x - shape.x;
          const dy = y - shape.y;
          const inside =
            shape.kind === "circle"
              ? dx * dx + dy * dy < shape.size * shape.size
              : shape.kind === "rectangle"
                ? Math.abs(dx) < shape.size && Math.abs(dy) < shape.size * 0.6
                : dy < shape.size && dy > -shape.size && Math.abs(dx) < (shape.size - dy) / 2;
          if (inside) colour = shape.colour;
        }
        return colour;
      });
    }
    case "grating": {
      const a = drawColour(random);
      const b = drawColour(random);
      const angle = random.range(0, Math.PI);
      const period = random.range(8, 60);
      return paint(width, height, (x, y) => mix(a, b, 0.5 + 0.5 * Math.sin(((x * Math.cos(angle) + y * Math.sin(angle)) / period) * 2 * Math.PI)));
    }
    case "checkerboard": {
      const a = drawColour(random);
      const b = drawColour(random);
      const size = random.int(16, 80);
      return paint(width, height, (x, y) => ((Math.floor(x / size) + Math.floor(y / size)) % 2 === 0 ? a : b));
    }
    case "texture": {
      const palette = [drawColour(random), drawColour(random), drawColour(random)];
      const noise = drawValueNoise(random, random.int(3, 8), width, height);
      return paint(width, height, (x, y) => {
        const t = noise[y * width + x]!;
        return t < 0.5 ? mix(palette[0]!, palette[1]!, t * 2) : mix(palette[1]!, palette[2]!, (t - 0.5) * 2);
      });
    }
  }
}

/** `count` procedural scenes, kinds in rotation, each from its own seeded stream. */
export function createProceduralScenes(options: { seed: Seed; count: number; width?: number; height?: number }): BaseScene[] {
  return Array.from({ length: options.count }, (_, i) => {
    const scene = describeProceduralScene(options.seed, i);
    return { key: scene.key, source: `procedural:${scene.kind}`, load: async () => scene.draw(options.width, options.height) };
  });
}

/**
 * The procedural scene at position `index` of a seed's list: its key, its kind, and `draw`, which
 * paints it at any size (the bulk mode draws each scene small, when its turn comes).
 */
export function describeProceduralScene(seed: Seed, index: number): { key: string; kind: ProceduralSceneKind; draw(width?: number, height?: number): RgbImage } {
  const kind = PROCEDURAL_SCENE_KINDS[index % PROCEDURAL_SCENE_KINDS.length]!;
  const key = `scene-${String(index + 1).padStart(4, "0")}`;
  return { key, kind, draw: (width, height) => drawProceduralScene(kind, createRandom(seed).fork("scenes").fork(key), width, height) };
}

const IMAGE_FILE = /\.(jpe?g|png|webp|tiff?|avif|gif)$/i;

/**
 * Scenes from a folder of photos, in file-name order (at most `count`); keys are the file names
 * without extension, made safe for scene keys. Decoded photos are capped at `maxSide` pixels.
 */
export async function loadFolderScenes(options: { dir: string; count: number; maxSide?: number }): Promise<BaseScene[]> {
  const names = (await readdir(options.dir)).filter((name) => IMAGE_FILE.test(name)).sort();
  if (names.length === 0) throw new Error(`no images (JPEG, PNG, WebP, TIFF, AVIF, GIF) in ${options.dir}`);
  return names.slice(0, options.count).map((name) => ({
    key: toSceneKey(name.replace(IMAGE_FILE, "")),
    source: `file:${name}`,
    load: async () => decodeToRgb(await readFile(path.join(options.dir, name)), options.maxSide ?? 1600),
  }));
}

/** Scene keys: letters, digits, dot, dash and underscore only, at most 100 characters. */
export function toSceneKey(text: string): string {
  const key = text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "").slice(0, 100);
  return key || "scene";
}

/** Scenes from stimulus images already in memory (e.g. the default colour-checker model's stimuli). */
export function createStimulusScenes(stimuli: { key: string; label?: string; bytes: Uint8Array }[], maxSide = 1600): BaseScene[] {
  return stimuli.map((stimulus) => ({
    key: stimulus.key,
    ...(stimulus.label !== undefined ? { label: stimulus.label } : {}),
    source: `stimulus:${stimulus.key}`,
    load: () => decodeToRgb(stimulus.bytes, maxSide),
  }));
}
