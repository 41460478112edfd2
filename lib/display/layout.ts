// The geometry of one display-mode frame: where the stimulus, the four QR codes, the scene key text
// and the status line go on a monitor of a given size. The display page renders exactly this, and
// the phone's detector uses the same numbers (carried in the QR payload) to find the stimulus from
// the codes it sees. Pure, integer arithmetic only, so browser and Node compute identical layouts.
//
// Layout version 1 (all distances in QR modules; one module = `modulePx` screen pixels):
//
//        ┌──────┐                                      ┌──────┐
//        │ QR 0 │ 5 │ ┌────────── stimulus ─────────┐ │ 5 │ QR 1 │      arrangement "h"
//        └──────┘     │  W × H modules, image drawn │     └──────┘      (codes left and right)
//       scene key     │  stretched to exactly this  │     status
//        ┌──────┐     │  box                        │     ┌──────┐
//        │ QR 3 │     │                             │     │ QR 2 │
//        └──────┘     └─────────────────────────────┘     └──────┘
//
// - The stimulus is a W×H-module box centred on the screen; the image fills it exactly (W and H
//   are rounded from the image's aspect ratio, so the stretch is below half a module).
// - Each code is an n×n-module QR symbol (n = 17 + 4·version, the same version for all four),
//   dark modules black on a white tile that extends QUIET (3) modules around the symbol; the rest
//   of the screen is black.
// - Arrangement "h": code k's symbol edge is OFFSET (5) modules from the stimulus edge, beside it:
//   top codes flush with the stimulus top, bottom codes flush with its bottom. Arrangement "v":
//   codes above and below, flush with the stimulus's left and right edges. The arrangement giving
//   the larger stimulus is chosen (ties: "h").
// - In the stimulus frame (origin at the stimulus's top-left, x right, y down, unit = module) the
//   symbol origins (their top-left module corner) are, for corners 0 TL, 1 TR, 2 BR, 3 BL:
//     "h": (-5-n, 0), (W+5, 0), (W+5, H-n), (-5-n, H-n)
//     "v": (0, -5-n), (W-n, -5-n), (W-n, H+5), (0, H+5)
// - Module size: floor(0.17 · min(screen) / n) px (at least 1); outer margin round(0.02 · min(screen)).
// - The scene key text box is the column between the left codes ("h") or the band between the top
//   codes ("v"), 3 modules clear of the tiles; the status box mirrors it on the right / bottom.
//   Draw nothing else outside the stimulus: the detector finds each tile's outer edges against the
//   black around it.
import type { DisplayArrangement, DisplayCorner, DisplayGeometry } from "@/lib/display/scene-payload";

export const DISPLAY_LAYOUT_VERSION = 1;
/** White modules around each QR symbol. */
export const QR_QUIET_MODULES = 3;
/** Black modules between a code's white tile and the stimulus. */
export const QR_GAP_MODULES = 2;
/** Modules from a QR symbol's edge to the stimulus edge it faces. */
export const QR_OFFSET_MODULES = QR_QUIET_MODULES + QR_GAP_MODULES;
/** A QR symbol's side as a fraction of the screen's shorter side (before rounding to whole pixels per module). */
export const QR_SIZE_FRACTION = 0.17;
export const MARGIN_FRACTION = 0.02;
/** Black modules kept between a code's tile and the text boxes (the tile edges are located precisely). */
export const TEXT_CLEARANCE_MODULES = 3;
/** Smallest text box between two codes, in modules. */
const MIN_TEXT_MODULES = 4;

export type Point = { x: number; y: number };
export type Rect = { x: number; y: number; width: number; height: number };

export type DisplayLayoutInput = {
  screenWidth: number;
  screenHeight: number;
  /** The stimulus image's pixel size (only its aspect ratio matters). */
  stimulusWidth: number;
  stimulusHeight: number;
  /** QR version of the codes (1..40): see chooseQrVersion in qr-matrix.ts. */
  qrVersion: number;
};

export type DisplayCodePlacement = {
  corner: DisplayCorner;
  /** Screen pixel of the symbol's top-left module corner. */
  origin: Point;
  /** Symbol side in pixels (modules · modulePx). */
  sizePx: number;
  /** The white tile: symbol plus quiet zone. */
  tile: Rect;
};

export type DisplayLayout = {
  layoutVersion: typeof DISPLAY_LAYOUT_VERSION;
  screenWidth: number;
  screenHeight: number;
  modulePx: number;
  qrVersion: number;
  qrModules: number;
  arrangement: DisplayArrangement;
  stimulusModulesWide: number;
  stimulusModulesHigh: number;
  /** Where the stimulus image is drawn (stretched to exactly this box). */
  stimulus: Rect;
  codes: DisplayCodePlacement[];
  /** Where the scene key goes, in large text (white on black). */
  keyTextBox: Rect;
  /** Where live status (e.g. phones captured) goes. */
  statusBox: Rect;
  margin: number;
};

export function countQrModules(qrVersion: number): number {
  if (!Number.isInteger(qrVersion) || qrVersion < 1 || qrVersion > 40) throw new Error("QR version must be an integer in 1..40");
  return 17 + 4 * qrVersion;
}

/** A code's symbol origin (top-left module corner) in the stimulus frame, in modules. */
export function locateCodeInStimulusFrame(geometry: Omit<DisplayGeometry, "corner">, corner: DisplayCorner, qrModules: number): Point {
  const n = qrModules;
  const w = geometry.stimulusModulesWide;
  const h = geometry.stimulusModulesHigh;
  const off = QR_OFFSET_MODULES;
  if (geometry.arrangement === "h") {
    const x = corner === 0 || corner === 3 ? -off - n : w + off;
    const y = corner === 0 || corner === 1 ? 0 : h - n;
    return { x, y };
  }
  const x = corner === 0 || corner === 3 ? 0 : w - n;
  const y = corner === 0 || corner === 1 ? -off - n : h + off;
  return { x, y };
}

function fitAspect(availableWide: number, availableHigh: number, aspect: number): { wide: number; high: number } | null {
  if (availableWide < 1 || availableHigh < 1) return null;
  if (availableWide / availableHigh > aspect) {
    return { wide: Math.max(1, Math.round(availableHigh * aspect)), high: availableHigh };
  }
  return { wide: availableWide, high: Math.max(1, Math.round(availableWide / aspect)) };
}

function checkPositiveInteger(name: string, value: number, max: number) {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be an integer in 1..${max}`);
}

/** Computes the layout of a display frame. Throws when the screen is too small for it. */
export function computeDisplayLayout(input: DisplayLayoutInput): DisplayLayout {
  checkPositiveInteger("screenWidth", input.screenWidth, 32768);
  checkPositiveInteger("screenHeight", input.screenHeight, 32768);
  checkPositiveInteger("stimulusWidth", input.stimulusWidth, 1 << 20);
  checkPositiveInteger("stimulusHeight", input.stimulusHeight, 1 << 20);
  const n = countQrModules(input.qrVersion);
  const shorter = Math.min(input.screenWidth, input.screenHeight);
  const margin = Math.round(shorter * MARGIN_FRACTION);
  const modulePx = Math.max(1, Math.floor((shorter * QR_SIZE_FRACTION) / n));
  const gridWide = Math.floor((input.screenWidth - 2 * margin) / modulePx);
  const gridHigh = Math.floor((input.screenHeight - 2 * margin) / modulePx);
  const aspect = input.stimulusWidth / input.stimulusHeight;
  const side = QR_OFFSET_MODULES + n + QR_QUIET_MODULES;
  const minBetween = 2 * (n + QR_QUIET_MODULES + TEXT_CLEARANCE_MODULES) + MIN_TEXT_MODULES;

  const horizontal = fitAspect(gridWide - 2 * side, gridHigh - 2 * QR_QUIET_MODULES, aspect);
  const vertical = fitAspect(gridWide - 2 * QR_QUIET_MODULES, gridHigh - 2 * side, aspect);
  const candidates: { arrangement: DisplayArrangement; wide: number; high: number }[] = [];
  if (horizontal && horizontal.high >= minBetween) candidates.push({ arrangement: "h", ...horizontal });
  if (vertical && vertical.wide >= minBetween) candidates.push({ arrangement: "v", ...vertical });
  const best = candidates.reduce<(typeof candidates)[number] | null>(
    (chosen, candidate) => (!chosen || candidate.wide * candidate.high > chosen.wide * chosen.high ? candidate : chosen),
    null,
  );
  if (!best) throw new Error(`a ${input.screenWidth}×${input.screenHeight} screen is too small for the display layout with QR version ${input.qrVersion}`);
  if (best.wide > 9999 || best.high > 9999) throw new Error("stimulus too large in modules");

  const stimulus: Rect = {
    x: Math.floor((input.screenWidth - best.wide * modulePx) / 2),
    y: Math.floor((input.screenHeight - best.high * modulePx) / 2),
    width: best.wide * modulePx,
    height: best.high * modulePx,
  };
  const geometry = { arrangement: best.arrangement, stimulusModulesWide: best.wide, stimulusModulesHigh: best.high };
  const codes = ([0, 1, 2, 3] as const).map((corner): DisplayCodePlacement => {
    const inFrame = locateCodeInStimulusFrame(geometry, corner, n);
    const origin = { x: stimulus.x + inFrame.x * modulePx, y: stimulus.y + inFrame.y * modulePx };
    const quiet = QR_QUIET_MODULES * modulePx;
    return {
      corner,
      origin,
      sizePx: n * modulePx,
      tile: { x: origin.x - quiet, y: origin.y - quiet, width: n * modulePx + 2 * quiet, height: n * modulePx + 2 * quiet },
    };
  });

  const gapPx = QR_GAP_MODULES * modulePx;
  const clearPx = (n + QR_QUIET_MODULES + TEXT_CLEARANCE_MODULES) * modulePx;
  let keyTextBox: Rect;
  let statusBox: Rect;
  if (best.arrangement === "h") {
    const columnWidth = stimulus.x - gapPx - margin;
    const y = stimulus.y + clearPx;
    const height = stimulus.height - 2 * clearPx;
    keyTextBox = { x: margin, y, width: columnWidth, height };
    statusBox = { x: stimulus.x + stimulus.width + gapPx, y, width: columnWidth, height };
  } else {
    const bandHeight = stimulus.y - gapPx - margin;
    const x = stimulus.x + clearPx;
    const width = stimulus.width - 2 * clearPx;
    keyTextBox = { x, y: margin, width, height: bandHeight };
    statusBox = { x, y: stimulus.y + stimulus.height + gapPx, width, height: bandHeight };
  }

  return {
    layoutVersion: DISPLAY_LAYOUT_VERSION,
    screenWidth: input.screenWidth,
    screenHeight: input.screenHeight,
    modulePx,
    qrVersion: input.qrVersion,
    qrModules: n,
    arrangement: best.arrangement,
    stimulusModulesWide: best.wide,
    stimulusModulesHigh: best.high,
    stimulus,
    codes,
    keyTextBox,
    statusBox,
    margin,
  };
}

/** The geometry field a layout's code at `corner` carries in its payload. */
export function describeCodeGeometry(layout: DisplayLayout, corner: DisplayCorner): DisplayGeometry {
  return {
    corner,
    arrangement: layout.arrangement,
    stimulusModulesWide: layout.stimulusModulesWide,
    stimulusModulesHigh: layout.stimulusModulesHigh,
  };
}

/**
 * The largest font size (px) at which `text` fits on one line of `box` in a monospace font whose
 * glyphs are at most `advance` em wide (0.62 covers common system monospace fonts).
 */
export function fitMonospaceFontSize(text: string, box: Rect, advance = 0.62): number {
  const characters = Math.max(1, [...text].length);
  return Math.max(1, Math.floor(Math.min(box.height * 0.8, box.width / (characters * advance))));
}
