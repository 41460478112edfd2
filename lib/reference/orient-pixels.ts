// Decoded RGBA pixels (as stored, plus their EXIF orientation) turned upright and without alpha:
// what the compression probe re-encodes. The same orientation mapping as the preprocessing, so a
// re-encoded copy with orientation 1 shows the model exactly what the original showed it. Pure.
import { orientationMapping } from "@/lib/inference/preprocess";

export type UprightRgb = { data: Uint8Array; width: number; height: number };

export function orientToUprightRgb(decoded: { data: Uint8ClampedArray | Uint8Array; width: number; height: number; orientation?: number }): UprightRgb {
  const { data, width: W, height: H } = decoded;
  if (data.length < W * H * 4) throw new Error(`pixel buffer holds ${data.length} bytes; ${W}×${H} RGBA needs ${W * H * 4}`);
  const map = orientationMapping(decoded.orientation ?? 1, W, H);
  const out = new Uint8Array(map.width * map.height * 3);
  let o = 0;
  for (let y = 0; y < map.height; y++) {
    let source = map.origin + y * map.stepY;
    for (let x = 0; x < map.width; x++, source += map.stepX) {
      const s = source * 4;
      out[o++] = data[s]!;
      out[o++] = data[s + 1]!;
      out[o++] = data[s + 2]!;
    }
  }
  return { data: out, width: map.width, height: map.height };
}
