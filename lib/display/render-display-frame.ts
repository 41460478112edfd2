// Draws a display frame (black background, white QR tiles, the stimulus stretched into its box)
// into an RGBA buffer, pixel-exact to the layout. Text (scene key, status) is left to the page,
// which has fonts. Used by tests to make synthetic screens and usable by the page via putImageData.
// Pure.
import type { DisplayFramePlan } from "@/lib/display/qr-matrix";
import type { Rect } from "@/lib/display/layout";

export type RgbaImage = { data: Uint8ClampedArray; width: number; height: number };

function fillRect(image: RgbaImage, rect: Rect, value: number) {
  const x0 = Math.max(0, rect.x);
  const y0 = Math.max(0, rect.y);
  const x1 = Math.min(image.width, rect.x + rect.width);
  const y1 = Math.min(image.height, rect.y + rect.height);
  for (let y = y0; y < y1; y++) {
    image.data.fill(value, (y * image.width + x0) * 4, (y * image.width + x1) * 4);
    for (let x = x0; x < x1; x++) image.data[(y * image.width + x) * 4 + 3] = 255;
  }
}

/** Resamples `source` into `rect` of `target` (bilinear, pixel centres aligned; deterministic). */
export function drawImageStretched(target: RgbaImage, source: RgbaImage, rect: Rect) {
  const scaleX = source.width / rect.width;
  const scaleY = source.height / rect.height;
  for (let ty = 0; ty < rect.height; ty++) {
    const y = rect.y + ty;
    if (y < 0 || y >= target.height) continue;
    const sy = Math.min(source.height - 1, Math.max(0, (ty + 0.5) * scaleY - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(source.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let tx = 0; tx < rect.width; tx++) {
      const x = rect.x + tx;
      if (x < 0 || x >= target.width) continue;
      const sx = Math.min(source.width - 1, Math.max(0, (tx + 0.5) * scaleX - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(source.width - 1, x0 + 1);
      const fx = sx - x0;
      const out = (y * target.width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const top = source.data[(y0 * source.width + x0) * 4 + c]! * (1 - fx) + source.data[(y0 * source.width + x1) * 4 + c]! * fx;
        const bottom = source.data[(y1 * source.width + x0) * 4 + c]! * (1 - fx) + source.data[(y1 * source.width + x1) * 4 + c]! * fx;
        target.data[out + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
      target.data[out + 3] = 255;
    }
  }
}

/** Renders the whole frame at the layout's screen size. */
export function renderDisplayFrame(plan: DisplayFramePlan, stimulus: RgbaImage): RgbaImage {
  const { layout } = plan;
  const image: RgbaImage = { data: new Uint8ClampedArray(layout.screenWidth * layout.screenHeight * 4), width: layout.screenWidth, height: layout.screenHeight };
  fillRect(image, { x: 0, y: 0, width: image.width, height: image.height }, 0);
  for (const code of plan.codes) {
    fillRect(image, code.tile, 255);
    const { size, dark } = code.matrix;
    for (let row = 0; row < size; row++) {
      for (let column = 0; column < size; column++) {
        if (!dark[row * size + column]) continue;
        fillRect(image, { x: code.origin.x + column * layout.modulePx, y: code.origin.y + row * layout.modulePx, width: layout.modulePx, height: layout.modulePx }, 0);
      }
    }
  }
  drawImageStretched(image, stimulus, layout.stimulus);
  return image;
}
