// The virtual fleet: device models, each with a camera character (white balance, exposure, tone
// curve, saturation, sharpening, noise, JPEG settings, resolution, framing) drawn from the seed,
// and the devices of each model. Every model gets a *strength* in (0, 1]: how far its character is
// from a neutral camera. Each parameter's deviation is strength × a random magnitude in [0.5, 1]
// (random sign where the parameter has one), so a stronger model is further from neutral in every
// respect — tests use this to check that the dashboards rank device models by it. Pure.
import { createRandom, type Random, type Seed } from "./random";
import { describeDeviceIdentity, IDENTITY_CATALOGUE_SIZE, type DeviceIdentity } from "./device-identities";

export type ChromaSubsampling = "4:2:0" | "4:4:4";

export type CameraCharacter = {
  /** Gains applied to linear-light R, G, B (G stays 1: white balance is relative). */
  whiteBalance: { r: number; g: number; b: number };
  /** Exposure offset in stops (linear light × 2^ev). */
  exposureEv: number;
  /** Exponent applied to the display-encoded value (1 = neutral, > 1 darker mid-tones). */
  gamma: number;
  /** S-curve slope at mid-grey (1 = neutral). */
  contrast: number;
  /** Chroma gain around luma (1 = neutral). */
  saturation: number;
  /** Unsharp masking (sharp's sharpen): amount 0 means none. */
  sharpen: { sigma: number; amount: number };
  /** Standard deviation of the added sensor noise, in 8-bit units. */
  noiseSd: number;
  jpegQuality: number;
  chromaSubsampling: ChromaSubsampling;
  /** Size of the rendered photo (landscape). */
  width: number;
  height: number;
  /** Where the phone points: centre offset as a fraction of the frame, zoom (< 1 sees less). */
  framing: { offsetX: number; offsetY: number; zoom: number };
};

/** A camera that changes nothing: white balance, exposure, tone and saturation neutral, no noise, no sharpening, centred. */
export function neutralCameraCharacter(size: { width: number; height: number }, jpegQuality = 95): CameraCharacter {
  return {
    whiteBalance: { r: 1, g: 1, b: 1 },
    exposureEv: 0,
    gamma: 1,
    contrast: 1,
    saturation: 1,
    sharpen: { sigma: 1, amount: 0 },
    noiseSd: 0,
    jpegQuality,
    chromaSubsampling: "4:2:0",
    width: size.width,
    height: size.height,
    framing: { offsetX: 0, offsetY: 0, zoom: 1 },
  };
}

/** Each parameter's normalised deviation from neutral, in [-1, 1] (signed) or [0, 1]. */
export type CharacterDeviations = {
  whiteBalanceR: number;
  whiteBalanceB: number;
  exposure: number;
  gamma: number;
  contrast: number;
  saturation: number;
  sharpen: number;
  noise: number;
  jpeg: number;
  framingX: number;
  framingY: number;
  zoom: number;
};

export type VirtualDevice = {
  /** Stable within a seed: "d01", "d02", … */
  key: string;
  index: number;
  modelKey: string;
  /** Small per-device framing habit (how its owner holds it), as a fraction of the frame. */
  framingBias: { x: number; y: number };
};

export type VirtualDeviceModel = {
  /** Stable within a seed: "m01", "m02", … (the server's device-model key comes from the identity). */
  key: string;
  index: number;
  identity: DeviceIdentity;
  character: CameraCharacter;
  deviations: CharacterDeviations;
  /** How far the character is from neutral, in (0, 1]; larger means more different. */
  strength: number;
  /** max(|ln gainR|, |ln gainB|): the white-balance shift on its own. */
  whiteBalanceShift: number;
  devices: VirtualDevice[];
};

export type FleetOptions = {
  seed: Seed;
  /** Total number of virtual devices (at least 2). */
  devices: number;
  /** Longest side of the rendered photos (the real cameras' sizes are recorded, scaled down to this). */
  maxPhotoSide?: number;
  /** Strengths are spread evenly over [minStrength, maxStrength]. */
  minStrength?: number;
  maxStrength?: number;
};

/** The extent of each parameter at strength 1. */
export const CHARACTER_RANGES = {
  /** ±ln gain for red and blue. */
  whiteBalanceLog: 0.32,
  exposureEv: 1.2,
  gammaLog: 0.3,
  contrast: 0.5,
  saturationLog: 0.6,
  sharpenAmount: 1.5,
  noiseSd: 1.2,
  /** JPEG quality falls from 95 by up to this much. */
  jpegQualityDrop: 45,
  framingOffset: 0.08,
  zoomDrop: 0.2,
} as const;

/** How many device models a fleet of `devices` devices has: about a quarter of them get two devices. */
export function countDeviceModels(devices: number): number {
  if (!Number.isInteger(devices) || devices < 2) throw new RangeError("a fleet needs at least 2 devices");
  return devices - Math.floor(devices / 4);
}

/** The smallest number of devices whose fleet has `models` device models (the inverse of countDeviceModels). */
export function countDevicesForModels(models: number): number {
  if (!Number.isInteger(models) || models < 2) throw new RangeError("a fleet needs at least 2 device models");
  let devices = models;
  while (countDeviceModels(devices) < models) devices += 1;
  return devices;
}

function magnitude(random: Random): number {
  return random.range(0.5, 1);
}

function drawDeviations(random: Random): CharacterDeviations {
  const signed = () => random.sign() * magnitude(random);
  return {
    whiteBalanceR: signed(),
    whiteBalanceB: signed(),
    exposure: signed(),
    gamma: signed(),
    contrast: signed(),
    saturation: signed(),
    sharpen: magnitude(random),
    noise: magnitude(random),
    jpeg: magnitude(random),
    framingX: signed(),
    framingY: signed(),
    zoom: magnitude(random),
  };
}

function even(value: number): number {
  return Math.max(2, Math.round(value / 2) * 2);
}

/** Turn normalised deviations at a strength into concrete camera settings. */
export function buildCameraCharacter(options: {
  deviations: CharacterDeviations;
  strength: number;
  nominalPhotoSize: { width: number; height: number };
  maxPhotoSide: number;
  random: Random;
}): CameraCharacter {
  const { deviations: d, strength: s, nominalPhotoSize, maxPhotoSide, random } = options;
  const R = CHARACTER_RANGES;
  const scale = Math.min(1, maxPhotoSide / Math.max(nominalPhotoSize.width, nominalPhotoSize.height));
  const sharpenAmount = s * d.sharpen * R.sharpenAmount;
  // Nearly every phone writes 4:2:0, so that is the neutral choice; full chroma (4:4:4) sets an
  // encoder apart from the rest, which only strong characters do.
  const chromaSubsampling: ChromaSubsampling = s >= 0.6 && random.chance(0.4) ? "4:4:4" : "4:2:0";
  return {
    whiteBalance: { r: Math.exp(s * d.whiteBalanceR * R.whiteBalanceLog), g: 1, b: Math.exp(s * d.whiteBalanceB * R.whiteBalanceLog) },
    exposureEv: s * d.exposure * R.exposureEv,
    gamma: Math.exp(s * d.gamma * R.gammaLog),
    contrast: 1 + s * d.contrast * R.contrast,
    saturation: Math.exp(s * d.saturation * R.saturationLog),
    sharpen: { sigma: 0.8 + 0.6 * d.sharpen, amount: sharpenAmount },
    noiseSd: s * d.noise * R.noiseSd,
    jpegQuality: Math.round(95 - s * d.jpeg * R.jpegQualityDrop),
    chromaSubsampling,
    width: even(nominalPhotoSize.width * scale),
    height: even(nominalPhotoSize.height * scale),
    framing: { offsetX: s * d.framingX * R.framingOffset, offsetY: s * d.framingY * R.framingOffset, zoom: 1 - s * d.zoom * R.zoomDrop },
  };
}

/** Evenly spread strengths, assigned to models in a seeded order. */
function drawStrengths(random: Random, count: number, min: number, max: number): number[] {
  const levels = Array.from({ length: count }, (_, i) => (count === 1 ? max : min + ((max - min) * i) / (count - 1)));
  return random.shuffle(levels);
}

/** The fleet for a seed: device models (with identities, characters, strengths) and their devices. */
export function createFleet(options: FleetOptions): VirtualDeviceModel[] {
  const maxPhotoSide = options.maxPhotoSide ?? 1024;
  const minStrength = options.minStrength ?? 0.1;
  const maxStrength = options.maxStrength ?? 1;
  if (!(minStrength > 0 && minStrength <= maxStrength && maxStrength <= 1)) throw new RangeError("strengths must satisfy 0 < min ≤ max ≤ 1");
  const root = createRandom(options.seed).fork("fleet");
  const modelCount = countDeviceModels(options.devices);
  const pairedModels = options.devices - modelCount;

  // Distinct identities while the catalogue lasts, in a seeded order.
  const catalogueOrder = root.fork("identities").shuffle(Array.from({ length: IDENTITY_CATALOGUE_SIZE }, (_, i) => i));
  const identityIndex = (i: number) => catalogueOrder[i % IDENTITY_CATALOGUE_SIZE]! + IDENTITY_CATALOGUE_SIZE * Math.floor(i / IDENTITY_CATALOGUE_SIZE);
  const strengths = drawStrengths(root.fork("strengths"), modelCount, minStrength, maxStrength);
  const withTwoDevices = new Set(root.fork("pairs").shuffle(Array.from({ length: modelCount }, (_, i) => i)).slice(0, pairedModels));

  let deviceIndex = 0;
  return Array.from({ length: modelCount }, (_, i) => {
    const random = root.fork(`model-${i}`);
    const identity = describeDeviceIdentity(identityIndex(i));
    const strength = strengths[i]!;
    const deviations = drawDeviations(random.fork("deviations"));
    const character = buildCameraCharacter({ deviations, strength, nominalPhotoSize: identity.nominalPhotoSize, maxPhotoSide, random: random.fork("settings") });
    const key = `m${String(i + 1).padStart(2, "0")}`;
    const devices = Array.from({ length: withTwoDevices.has(i) ? 2 : 1 }, (_, j) => {
      const deviceRandom = random.fork(`device-${j}`);
      deviceIndex += 1;
      return {
        key: `d${String(deviceIndex).padStart(2, "0")}`,
        index: deviceIndex - 1,
        modelKey: key,
        framingBias: { x: deviceRandom.normal(0, 0.004), y: deviceRandom.normal(0, 0.004) },
      };
    });
    return {
      key,
      index: i,
      identity,
      character,
      deviations,
      strength,
      whiteBalanceShift: Math.max(Math.abs(Math.log(character.whiteBalance.r)), Math.abs(Math.log(character.whiteBalance.b))),
      devices,
    };
  });
}
