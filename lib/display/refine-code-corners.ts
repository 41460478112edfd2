// Subpixel refinement of a display code's position. The QR reader reports a code's corners to about
// half a working pixel, which is plenty to decode it but coarse for extrapolating from one small code
// to a stimulus seven times its size. Each layout code sits on a white tile (symbol + 3-module quiet
// zone) surrounded by black, so the tile's four outer sides are long, straight, high-contrast edges:
// we locate them at full resolution (strongest bright-to-dark step along the normal, parabola peak),
// fit a line to each side robustly and intersect them. Pure.
import { applyHomography, estimateHomography } from "@/lib/display/homography";
import { QR_QUIET_MODULES, type Point } from "@/lib/display/layout";

type Quad = [Point, Point, Point, Point];

const SAMPLES_PER_SIDE = 48;
const MIN_POINTS_PER_SIDE = 12;
/** Smallest bright-to-dark step (8-bit levels per pixel of profile) accepted as the tile edge. */
const MIN_EDGE_STRENGTH = 4;

function sampleLuminance(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, x: number, y: number): number | null {
  // Continuous coordinates → pixel-centre indices.
  const px = x - 0.5;
  const py = y - 0.5;
  if (!(px >= 0 && py >= 0 && px <= width - 1 && py <= height - 1)) return null;
  const x0 = Math.floor(px);
  const y0 = Math.floor(py);
  const x1 = x0 + 1 < width ? x0 + 1 : x0;
  const y1 = y0 + 1 < height ? y0 + 1 : y0;
  const fx = px - x0;
  const fy = py - y0;
  const i00 = (y0 * width + x0) * 4;
  const i01 = (y0 * width + x1) * 4;
  const i10 = (y1 * width + x0) * 4;
  const i11 = (y1 * width + x1) * 4;
  const l00 = 0.2126 * rgba[i00]! + 0.7152 * rgba[i00 + 1]! + 0.0722 * rgba[i00 + 2]!;
  const l01 = 0.2126 * rgba[i01]! + 0.7152 * rgba[i01 + 1]! + 0.0722 * rgba[i01 + 2]!;
  const l10 = 0.2126 * rgba[i10]! + 0.7152 * rgba[i10 + 1]! + 0.0722 * rgba[i10 + 2]!;
  const l11 = 0.2126 * rgba[i11]! + 0.7152 * rgba[i11 + 1]! + 0.0722 * rgba[i11 + 2]!;
  return (l00 * (1 - fx) + l01 * fx) * (1 - fy) + (l10 * (1 - fx) + l11 * fx) * fy;
}

type Line = { point: Point; direction: Point };

/** Total-least-squares line through points, refitted twice without points farther than max(0.75 px, 3 × median residual). */
function fitLineRobustly(points: Point[]): Line | null {
  let inliers = points;
  let line: Line | null = null;
  for (let round = 0; round < 3; round++) {
    if (inliers.length < MIN_POINTS_PER_SIDE) return null;
    const cx = inliers.reduce((sum, p) => sum + p.x, 0) / inliers.length;
    const cy = inliers.reduce((sum, p) => sum + p.y, 0) / inliers.length;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (const p of inliers) {
      sxx += (p.x - cx) ** 2;
      sxy += (p.x - cx) * (p.y - cy);
      syy += (p.y - cy) ** 2;
    }
    const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
    line = { point: { x: cx, y: cy }, direction: { x: Math.cos(angle), y: Math.sin(angle) } };
    const current = line;
    const residual = (p: Point) => Math.abs((p.x - current.point.x) * current.direction.y - (p.y - current.point.y) * current.direction.x);
    const sorted = inliers.map(residual).sort((a, b) => a - b);
    const limit = Math.max(0.75, 3 * sorted[Math.floor(sorted.length / 2)]!);
    const next = inliers.filter((p) => residual(p) <= limit);
    if (next.length === inliers.length) break;
    inliers = next;
  }
  return line;
}

function intersectLines(a: Line, b: Line): Point | null {
  const denominator = a.direction.x * b.direction.y - a.direction.y * b.direction.x;
  if (Math.abs(denominator) < 1e-6) return null;
  const t = ((b.point.x - a.point.x) * b.direction.y - (b.point.y - a.point.y) * b.direction.x) / denominator;
  return { x: a.point.x + t * a.direction.x, y: a.point.y + t * a.direction.y };
}

/**
 * Locates the white tile around a code whose symbol corners (its own TL, TR, BR, BL, photo
 * coordinates) are known roughly. Returns the tile's corners in the same order, i.e. the photo
 * positions of symbol-module points (−3, −3), (n+3, −3), (n+3, n+3), (−3, n+3); null when an edge
 * cannot be found reliably (tile covered, cut by the photo border, too blurred).
 */
export function refineTileCorners(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, symbolCorners: Quad, qrModules: number): Quad | null {
  const n = qrModules;
  const q = QR_QUIET_MODULES;
  let h: readonly number[];
  try {
    h = estimateHomography(
      [
        { x: 0, y: 0 },
        { x: n, y: 0 },
        { x: n, y: n },
        { x: 0, y: n },
      ],
      symbolCorners,
    );
  } catch {
    return null;
  }
  const tile: Quad = [
    { x: -q, y: -q },
    { x: n + q, y: -q },
    { x: n + q, y: n + q },
    { x: -q, y: n + q },
  ];
  const modulePx = Math.hypot(symbolCorners[1].x - symbolCorners[0].x, symbolCorners[1].y - symbolCorners[0].y) / n;
  // Search ±1.5 modules around the predicted edge: the next bright-to-dark step outward is farther.
  const reach = Math.max(3, 1.5 * modulePx);
  const step = Math.max(0.25, Math.min(1, modulePx / 8));
  const lines: Line[] = [];
  for (let side = 0; side < 4; side++) {
    const a = tile[side]!;
    const b = tile[(side + 1) % 4]!;
    // Outward normal in module coordinates (the tile runs clockwise on screen: TL → TR → BR → BL).
    const normal = { x: b.y - a.y, y: -(b.x - a.x) };
    const normalLength = Math.hypot(normal.x, normal.y);
    normal.x /= normalLength;
    normal.y /= normalLength;
    const edgePoints: Point[] = [];
    for (let sample = 0; sample < SAMPLES_PER_SIDE; sample++) {
      const t = 0.08 + (0.84 * (sample + 0.5)) / SAMPLES_PER_SIDE;
      const m = { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) };
      const centre = applyHomography(h, m);
      const outward = applyHomography(h, { x: m.x + normal.x * 0.5, y: m.y + normal.y * 0.5 });
      const inward = applyHomography(h, { x: m.x - normal.x * 0.5, y: m.y - normal.y * 0.5 });
      let nx = outward.x - inward.x;
      let ny = outward.y - inward.y;
      const length = Math.hypot(nx, ny);
      if (!(length > 0)) continue;
      nx /= length;
      ny /= length;
      const profile: number[] = [];
      let complete = true;
      for (let d = -reach; d <= reach + 1e-9; d += step) {
        const value = sampleLuminance(rgba, width, height, centre.x + nx * d, centre.y + ny * d);
        if (value === null) {
          complete = false;
          break;
        }
        profile.push(value);
      }
      if (!complete || profile.length < 5) continue;
      // Steepest bright-to-dark step going outward (central differences).
      let best = -1;
      let bestSlope = 0;
      for (let i = 1; i < profile.length - 1; i++) {
        const slope = (profile[i - 1]! - profile[i + 1]!) / (2 * step);
        if (slope > bestSlope) {
          bestSlope = slope;
          best = i;
        }
      }
      if (best < 2 || best > profile.length - 3 || bestSlope < MIN_EDGE_STRENGTH) continue;
      const slopeAt = (i: number) => (profile[i - 1]! - profile[i + 1]!) / (2 * step);
      const s0 = slopeAt(best - 1);
      const s1 = bestSlope;
      const s2 = slopeAt(best + 1);
      const curvature = s0 - 2 * s1 + s2;
      const offset = curvature < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (s0 - s2)) / curvature)) : 0;
      const d = -reach + (best + offset) * step;
      edgePoints.push({ x: centre.x + nx * d, y: centre.y + ny * d });
    }
    const line = fitLineRobustly(edgePoints);
    if (!line) return null;
    lines.push(line);
  }
  const corners: Point[] = [];
  for (let corner = 0; corner < 4; corner++) {
    // Corner k lies on side k−1 (ending at it) and side k (starting at it).
    const point = intersectLines(lines[(corner + 3) % 4]!, lines[corner]!);
    if (!point) return null;
    const predicted = applyHomography(h, tile[corner]!);
    if (Math.hypot(point.x - predicted.x, point.y - predicted.y) > 1.5 * modulePx + 2) return null;
    corners.push(point);
  }
  return corners as Quad;
}
