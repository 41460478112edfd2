// Draws one display frame on the page's canvas: the pixel-exact frame of render-display-frame.ts
// (black, white QR tiles, the stimulus resampled by our code into its box), then the scene key and
// the status lines as white text centred in their boxes. Browser only (canvas, fonts).
import "client-only";
import { fitMonospaceFontSize, type Rect } from "@/lib/display/layout";
import type { DisplayFramePlan } from "@/lib/display/qr-matrix";
import { renderDisplayFrame, type RgbaImage } from "@/lib/display/render-display-frame";

/** Largest stimulus side kept in memory (the screen shows it smaller anyway). */
const MAX_STIMULUS_SIDE = 2048;
const FONT = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace';

/** Fetches and decodes a stimulus image into RGBA (downscaled by the browser when it is huge). */
export async function loadStimulusPixels(url: string): Promise<RgbaImage> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the stimulus answered ${response.status}`);
  const bitmap = await createImageBitmap(await response.blob());
  const scale = Math.min(1, MAX_STIMULUS_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", { willReadFrequently: true })!;
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const image = context.getImageData(0, 0, width, height);
  return { data: image.data, width, height };
}

/** A flat dark stimulus for scenes without an image (the codes still carry the scene). */
function placeholderStimulus(): RgbaImage {
  const data = new Uint8ClampedArray(4 * 3 * 4);
  for (let i = 0; i < data.length; i += 4) data.set([48, 48, 48, 255], i);
  return { data, width: 4, height: 3 };
}

function drawCentredLines(context: CanvasRenderingContext2D, lines: string[], box: Rect) {
  if (box.width <= 0 || box.height <= 0 || lines.length === 0) return;
  const lineBox = { ...box, height: box.height / lines.length };
  context.fillStyle = "#fff";
  context.textAlign = "center";
  context.textBaseline = "middle";
  // One size for all lines (the longest decides), at most a third of the box height.
  const size = Math.min(box.height / 3, ...lines.map((line) => fitMonospaceFontSize(line, lineBox)));
  context.font = `700 ${Math.floor(size)}px ${FONT}`;
  const total = size * 1.15 * lines.length;
  lines.forEach((line, index) => {
    context.fillText(line, box.x + box.width / 2, box.y + (box.height - total) / 2 + size * 1.15 * (index + 0.5), box.width);
  });
}

export function drawDisplayScene(canvas: HTMLCanvasElement, plan: DisplayFramePlan, stimulus: RgbaImage | null, statusLines: string[]) {
  const { layout } = plan;
  if (canvas.width !== layout.screenWidth) canvas.width = layout.screenWidth;
  if (canvas.height !== layout.screenHeight) canvas.height = layout.screenHeight;
  const context = canvas.getContext("2d")!;
  const frame = renderDisplayFrame(plan, stimulus ?? placeholderStimulus());
  context.putImageData(new ImageData(frame.data as Uint8ClampedArray<ArrayBuffer>, frame.width, frame.height), 0, 0);
  drawCentredLines(context, [plan.sceneKey], layout.keyTextBox);
  drawCentredLines(context, statusLines, layout.statusBox);
}
