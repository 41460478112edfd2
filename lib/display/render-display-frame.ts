// Draws a display frame (black background, white QR tiles, the stimulus stretched into its box)
// into an RGBA buffer, pixel-exact to the layout. Text (scene key, status) is left to the page,
// which has fonts. Used by tests to make synthetic screens and usable by the page via putImageData.
// Pure.
import type { DisplayFramePlan } from "@/lib/display/qr-matrix";
import type { Rect } from "@/lib/display/layout";
import { resampleIntoRect, type RgbaImage } from "@/lib/display/resample";

export type { RgbaImage };

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

/** Resamples `source` into `rect` of `target` (stretched to fill it; bilinear, 2×2 samples when shrinking). */
export function drawImageStretched(target: RgbaImage, source: RgbaImage, rect: Rect) {
  const scaleX = source.width / rect.width;
  const scaleY = source.height / rect.height;
  const samplesPerAxis = Math.max(1, Math.min(4, Math.ceil(Math.max(scaleX, scaleY))));
  resampleIntoRect(target, rect, source, [scaleX, 0, 0, 0, scaleY, 0, 0, 0, 1], { samplesPerAxis });
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
