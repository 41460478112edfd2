// Scene detection on a phone photo of the display page: shrink the photo (box filter), read the QR
// codes, keep the Parallax scene codes, and, for display-layout codes, fit the homography from the
// layout's stimulus frame to the photo using every corner of every code found (1 to 4 codes).
// Returns the scene, the codes' corners and the stimulus quadrilateral, all in full-resolution
// photo coordinates (continuous: pixel (i, j) covers [i, i+1) × [j, j+1)). Pure apart from the QR
// reader's WebAssembly (configure it once, see qr-reader.ts). Runs in a Web Worker or Node.
import { chooseDownscaleFactor, downscaleToGray } from "@/lib/display/downscale";
import { applyHomography, estimateHomography, measureReprojectionError, type Homography } from "@/lib/display/homography";
import { countQrModules, locateCodeInStimulusFrame, QR_QUIET_MODULES, type Point } from "@/lib/display/layout";
import { refineTileCorners } from "@/lib/display/refine-code-corners";
import { readQrSymbols, type QrSymbol } from "@/lib/display/qr-reader";
import { parseScenePayload, type DisplayCorner, type ScenePayload } from "@/lib/display/scene-payload";

export type Quad = [Point, Point, Point, Point];

export type DetectedCode = {
  payload: string;
  /** Which corner of the stimulus this code sits at (null for a plain scene tag). */
  corner: DisplayCorner | null;
  qrVersion: number;
  /** The symbol's corners (its own top-left, top-right, bottom-right, bottom-left), full-resolution photo coordinates, as the QR reader found them. */
  corners: Quad;
  /** The white tile's corners (same order) located to subpixel precision, when that succeeded; the homography then uses these. */
  tileCorners: Quad | null;
};

export type SceneDetection = {
  /** Text of the first code of the chosen scene. */
  payload: string;
  studyCode: string;
  sceneKey: string;
  /** Corners of that first code (full resolution). */
  corners: Quad;
  /** Every Parallax code of the chosen scene that was read. */
  codes: DetectedCode[];
  /** The stimulus's corners in the photo: top-left, top-right, bottom-right, bottom-left of the stimulus as displayed; null without layout geometry. */
  stimulusQuad: Quad | null;
  /** Maps the stimulus frame (modules, origin at the stimulus's top-left) to full-resolution photo pixels. */
  stimulusToPhoto: Homography | null;
  /** Stimulus size in modules (its aspect ratio is the displayed image's). */
  stimulusModules: { wide: number; high: number } | null;
  /** RMS distance (photo pixels) between the fitted homography and the code corners. */
  fitErrorPx: number | null;
  /** Scenes of other Parallax codes seen in the same photo (normally empty). */
  otherScenes: { studyCode: string; sceneKey: string }[];
  working: { width: number; height: number; factor: number };
  timings: { downscaleMs: number; decodeMs: number; fitMs: number; totalMs: number };
};

export type DetectSceneOptions = {
  /** Longest side of the working copy (default 1400): codes need about 2.5 working pixels per module. */
  maxWorkingSide?: number;
  /** Retry at twice the resolution when nothing is found at the first (default true). */
  retryFiner?: boolean;
  /** Only accept codes of this study (others are ignored, as are foreign QR codes). */
  studyCode?: string;
  /** Locate each code's white tile to subpixel precision at full resolution (default true). */
  refineCorners?: boolean;
};

type ParsedSymbol = { symbol: QrSymbol; parsed: ScenePayload; corners: Quad; tileCorners: Quad | null };

const now = () => (typeof performance !== "undefined" ? performance.now() : Date.now());

function groupKey(parsed: ScenePayload) {
  const g = parsed.geometry;
  return JSON.stringify([parsed.studyCode, parsed.sceneKey, g ? [g.arrangement, g.stimulusModulesWide, g.stimulusModulesHigh] : null]);
}

function toFullResolution(points: QrSymbol["corners"], factor: number): Quad {
  return points.map((point) => ({ x: point.x * factor, y: point.y * factor })) as Quad;
}

/**
 * Fits the stimulus-frame→photo homography from the codes' corners, dropping (once) a code whose
 * corners disagree with the others by more than two modules.
 */
function fitStimulusHomography(codes: ParsedSymbol[]): { homography: Homography; error: number; used: ParsedSymbol[] } | null {
  const correspondences = (subset: ParsedSymbol[]) => {
    const source: Point[] = [];
    const target: Point[] = [];
    for (const code of subset) {
      const geometry = code.parsed.geometry!;
      const n = countQrModules(code.symbol.version);
      const origin = locateCodeInStimulusFrame(geometry, geometry.corner, n);
      // Refined tile corners when available (symbol square grown by the quiet zone), else the reader's symbol corners.
      const grow = code.tileCorners ? QR_QUIET_MODULES : 0;
      const low = -grow;
      const high = n + grow;
      const frame = [
        { x: origin.x + low, y: origin.y + low },
        { x: origin.x + high, y: origin.y + low },
        { x: origin.x + high, y: origin.y + high },
        { x: origin.x + low, y: origin.y + high },
      ];
      source.push(...frame);
      target.push(...(code.tileCorners ?? code.corners));
    }
    return { source, target };
  };
  const fit = (subset: ParsedSymbol[]) => {
    const { source, target } = correspondences(subset);
    try {
      const homography = estimateHomography(source, target);
      return { homography, error: measureReprojectionError(homography, source, target), used: subset };
    } catch {
      return null;
    }
  };
  let best = fit(codes);
  if (!best || codes.length < 3) return best;
  const modulePx = (code: ParsedSymbol) => Math.hypot(code.corners[1].x - code.corners[0].x, code.corners[1].y - code.corners[0].y) / countQrModules(code.symbol.version);
  const residual = (code: ParsedSymbol, h: Homography) => {
    const { source, target } = correspondences([code]);
    return measureReprojectionError(h, source, target) / modulePx(code);
  };
  const worst = codes.map((code) => ({ code, residual: residual(code, best!.homography) })).sort((a, b) => b.residual - a.residual)[0]!;
  if (worst.residual > 2) {
    const refit = fit(codes.filter((code) => code !== worst.code));
    if (refit) best = refit;
  }
  return best;
}

/** Finds the Parallax scene code(s) in a photo and, with layout geometry, the stimulus; null when none is readable. */
export async function detectScene(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, options: DetectSceneOptions = {}): Promise<SceneDetection | null> {
  const started = now();
  const maxSide = options.maxWorkingSide ?? 1400;
  const factors = [chooseDownscaleFactor(width, height, maxSide)];
  if ((options.retryFiner ?? true) && factors[0]! > 1) factors.push(Math.max(1, Math.floor(factors[0]! / 2)));
  let downscaleMs = 0;
  let decodeMs = 0;
  let parsedSymbols: ParsedSymbol[] = [];
  let working = { width, height, factor: 1 };
  for (const factor of factors) {
    const t0 = now();
    const gray = downscaleToGray(rgba, width, height, factor);
    const t1 = now();
    const symbols = await readQrSymbols(gray);
    const t2 = now();
    downscaleMs += t1 - t0;
    decodeMs += t2 - t1;
    working = { width: gray.width, height: gray.height, factor };
    parsedSymbols = symbols.flatMap((symbol) => {
      const parsed = parseScenePayload(symbol.text);
      if (!parsed || (options.studyCode !== undefined && parsed.studyCode !== options.studyCode)) return [];
      return [{ symbol, parsed, corners: toFullResolution(symbol.corners, factor), tileCorners: null }];
    });
    if (parsedSymbols.length > 0) break;
  }
  if (parsedSymbols.length === 0) return null;

  const t3 = now();
  // The scene with the most codes wins (ties: the one read first); within it, one code per corner.
  const groups = new Map<string, ParsedSymbol[]>();
  for (const symbol of parsedSymbols) groups.set(groupKey(symbol.parsed), [...(groups.get(groupKey(symbol.parsed)) ?? []), symbol]);
  const chosen = [...groups.values()].reduce((a, b) => (b.length > a.length ? b : a));
  const seenCorners = new Set<DisplayCorner>();
  const codes = chosen.filter((code) => {
    const corner = code.parsed.geometry?.corner;
    if (corner === undefined) return true;
    if (seenCorners.has(corner)) return false;
    seenCorners.add(corner);
    return true;
  });
  const first = codes[0]!;
  const geometry = first.parsed.geometry;
  if (geometry && (options.refineCorners ?? true)) {
    for (const code of codes) code.tileCorners = refineTileCorners(rgba, width, height, code.corners, countQrModules(code.symbol.version));
  }
  const fitted = geometry ? fitStimulusHomography(codes) : null;
  let stimulusQuad: Quad | null = null;
  if (fitted && geometry) {
    const { stimulusModulesWide: w, stimulusModulesHigh: h } = geometry;
    stimulusQuad = [
      { x: 0, y: 0 },
      { x: w, y: 0 },
      { x: w, y: h },
      { x: 0, y: h },
    ].map((point) => applyHomography(fitted.homography, point)) as Quad;
    if (stimulusQuad.some((point) => !Number.isFinite(point.x) || !Number.isFinite(point.y))) stimulusQuad = null;
  }
  const otherScenes = [...groups.values()]
    .filter((group) => group !== chosen)
    .map((group) => ({ studyCode: group[0]!.parsed.studyCode, sceneKey: group[0]!.parsed.sceneKey }));
  const fitMs = now() - t3;

  return {
    payload: first.symbol.text,
    studyCode: first.parsed.studyCode,
    sceneKey: first.parsed.sceneKey,
    corners: first.corners,
    codes: codes.map((code) => ({
      payload: code.symbol.text,
      corner: code.parsed.geometry?.corner ?? null,
      qrVersion: code.symbol.version,
      corners: code.corners,
      tileCorners: code.tileCorners,
    })),
    stimulusQuad,
    stimulusToPhoto: stimulusQuad && fitted ? fitted.homography : null,
    stimulusModules: geometry ? { wide: geometry.stimulusModulesWide, high: geometry.stimulusModulesHigh } : null,
    fitErrorPx: stimulusQuad && fitted ? fitted.error : null,
    otherScenes,
    working,
    timings: { downscaleMs, decodeMs, fitMs, totalMs: now() - started },
  };
}
