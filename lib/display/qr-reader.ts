// Finds and decodes every QR code in a luminance image with ZXing-C++ (the `zxing-wasm` reader
// build): it locates several codes per image, copes with perspective, blur and uneven light, and
// is several times faster than pure-JS decoders on the same pictures (measured, see README).
// The WebAssembly binary is never fetched from a CDN: the caller says where it is, once, with
// configureQrReader (the phone worker: the URL the app serves it from; Node: the bytes, see
// qr-reader-node.ts). Pure otherwise (no DOM, no Node APIs).
import { prepareZXingModule, readBarcodes, type ReaderOptions } from "zxing-wasm/reader";
import type { GrayImage } from "@/lib/display/downscale";
import type { Point } from "@/lib/display/layout";

export type QrReaderSetup = { wasmBinary: ArrayBuffer } | { wasmUrl: string };

export type QrSymbol = {
  text: string;
  /** QR version (1..40). */
  version: number;
  /** The symbol's own corners, in image coordinates: top-left, top-right, bottom-right, bottom-left of the code as printed. */
  corners: [Point, Point, Point, Point];
};

let prepared: Promise<unknown> | null = null;

/** Loads the ZXing reader from the given bytes or URL (idempotent per setup; call before reading). */
export function configureQrReader(setup: QrReaderSetup): Promise<unknown> {
  const overrides =
    "wasmBinary" in setup
      ? { wasmBinary: setup.wasmBinary }
      : { locateFile: (path: string, prefix: string) => (path.endsWith(".wasm") ? setup.wasmUrl : prefix + path) };
  prepared = prepareZXingModule({ overrides, fireImmediately: true });
  return prepared;
}

export function isQrReaderConfigured(): boolean {
  return prepared !== null;
}

const READER_OPTIONS: ReaderOptions = {
  formats: ["QRCode"],
  tryHarder: true,
  tryRotate: true,
  tryInvert: false,
  tryDownscale: true,
  maxNumberOfSymbols: 8,
};

/** Every readable QR code in `image`, in the order ZXing reports them. */
export async function readQrSymbols(image: GrayImage): Promise<QrSymbol[]> {
  if (!prepared) throw new Error("the QR reader is not configured: call configureQrReader (or loadQrReaderForNode) first");
  await prepared;
  // The reader takes RGBA (it converts back to luminance with weights summing to 1): grey in, grey out.
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  const rgba32 = new Uint32Array(rgba.buffer);
  for (let index = 0; index < image.data.length; index++) rgba32[index] = 0xff000000 | (image.data[index]! * 0x010101);
  // Any { data, width, height } is accepted as ImageData (duck-typed); ImageData itself does not exist in Node.
  const input = { data: rgba, width: image.width, height: image.height, colorSpace: "srgb" } as ImageData;
  const results = await readBarcodes(input, READER_OPTIONS);
  const symbols: QrSymbol[] = [];
  for (const result of results) {
    if (!result.isValid || result.format !== "QRCode") continue;
    const version = Number(result.version);
    if (!Number.isInteger(version) || version < 1 || version > 40) continue;
    const { topLeft, topRight, bottomRight, bottomLeft } = result.position;
    symbols.push({
      text: result.text,
      version,
      corners: [topLeft, topRight, bottomRight, bottomLeft].map((point) => ({ x: point.x, y: point.y })) as QrSymbol["corners"],
    });
  }
  return symbols;
}
