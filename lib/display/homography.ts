// Plane-to-plane homographies for display mode: estimation from point correspondences (normalised
// direct linear transform, least squares over any number ≥ 4 of pairs), application, inversion.
// The small linear algebra (3×3 products and inverse, the 9×9 symmetric eigenproblem by cyclic
// Jacobi rotations) is our own so that the phone worker needs no numeric library. Pure.
import type { Point } from "@/lib/display/layout";

/** Row-major 3×3 matrix [h00, h01, h02, h10, h11, h12, h20, h21, h22]; maps (x, y, 1) → (u, v, w). */
export type Homography = readonly number[];

export function applyHomography(h: Homography, point: Point): Point {
  const w = h[6]! * point.x + h[7]! * point.y + h[8]!;
  return { x: (h[0]! * point.x + h[1]! * point.y + h[2]!) / w, y: (h[3]! * point.x + h[4]! * point.y + h[5]!) / w };
}

export function multiplyHomographies(a: Homography, b: Homography): Homography {
  const out: number[] = [];
  for (let row = 0; row < 3; row++) {
    for (let column = 0; column < 3; column++) {
      out.push(a[row * 3]! * b[column]! + a[row * 3 + 1]! * b[3 + column]! + a[row * 3 + 2]! * b[6 + column]!);
    }
  }
  return out;
}

export function invertHomography(h: Homography): Homography {
  const [a, b, c, d, e, f, g, i, j] = h as [number, number, number, number, number, number, number, number, number];
  const c00 = e * j - f * i;
  const c01 = -(d * j - f * g);
  const c02 = d * i - e * g;
  const determinant = a * c00 + b * c01 + c * c02;
  if (!Number.isFinite(determinant) || Math.abs(determinant) < 1e-300) throw new Error("homography is singular");
  const adjugate = [c00, -(b * j - c * i), b * f - c * e, c01, a * j - c * g, -(a * f - c * d), c02, -(a * i - b * g), a * e - b * d];
  return normaliseHomography(adjugate.map((value) => value / determinant));
}

/** Scales so that h22 = 1 when it is not (near) zero, else to unit Frobenius norm; sign fixed. */
export function normaliseHomography(h: Homography): Homography {
  const last = h[8]!;
  if (Math.abs(last) > 1e-12) return h.map((value) => value / last);
  const norm = Math.hypot(...h);
  const sign = h.find((value) => Math.abs(value) > 1e-12)! < 0 ? -1 : 1;
  return h.map((value) => (sign * value) / norm);
}

/**
 * Eigen-decomposition of a symmetric n×n matrix (row-major) by cyclic Jacobi rotations.
 * Returns eigenvalues and the eigenvectors as columns of a row-major matrix.
 */
export function decomposeSymmetric(matrix: readonly number[], n: number): { values: number[]; vectors: number[] } {
  const a = [...matrix];
  const v = Array.from({ length: n * n }, (_, index): number => (index % (n + 1) === 0 ? 1 : 0));
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) offDiagonal += a[p * n + q]! ** 2;
    if (offDiagonal < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1);
        const sin = t * cos;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = cos * akp - sin * akq;
          a[k * n + q] = sin * akp + cos * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = cos * apk - sin * aqk;
          a[q * n + k] = sin * apk + cos * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = cos * vkp - sin * vkq;
          v[k * n + q] = sin * vkp + cos * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: n }, (_, index) => a[index * n + index]!), vectors: v };
}

/** Similarity transform moving the points' centroid to the origin and their mean distance to √2. */
function normalisePoints(points: readonly Point[]): Homography {
  const cx = points.reduce((sum, p) => sum + p.x, 0) / points.length;
  const cy = points.reduce((sum, p) => sum + p.y, 0) / points.length;
  const meanDistance = points.reduce((sum, p) => sum + Math.hypot(p.x - cx, p.y - cy), 0) / points.length;
  if (!(meanDistance > 0)) throw new Error("points are all the same");
  const s = Math.SQRT2 / meanDistance;
  return [s, 0, -s * cx, 0, s, -s * cy, 0, 0, 1];
}

/**
 * The homography H with H·source[i] ≈ target[i], by the normalised DLT (Hartley): least squares in
 * the algebraic error over all pairs (exact for 4 pairs in general position). Throws for fewer than
 * 4 pairs or a degenerate configuration (e.g. collinear points).
 */
export function estimateHomography(source: readonly Point[], target: readonly Point[]): Homography {
  if (source.length !== target.length) throw new Error("source and target need the same number of points");
  if (source.length < 4) throw new Error("a homography needs at least 4 point pairs");
  const ts = normalisePoints(source);
  const tt = normalisePoints(target);
  const ata = new Array<number>(81).fill(0);
  const addRow = (row: readonly number[]) => {
    for (let i = 0; i < 9; i++) {
      if (row[i] === 0) continue;
      for (let j = 0; j < 9; j++) ata[i * 9 + j]! += row[i]! * row[j]!;
    }
  };
  for (let index = 0; index < source.length; index++) {
    const s = applyHomography(ts, source[index]!);
    const t = applyHomography(tt, target[index]!);
    addRow([0, 0, 0, -s.x, -s.y, -1, t.y * s.x, t.y * s.y, t.y]);
    addRow([s.x, s.y, 1, 0, 0, 0, -t.x * s.x, -t.x * s.y, -t.x]);
  }
  const { values, vectors } = decomposeSymmetric(ata, 9);
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const smallest = order[0]!;
  const next = order[1]!;
  // A second (near-)null direction means the points do not pin down one homography.
  if (next.value < 1e-10 * order[8]!.value) throw new Error("degenerate point configuration");
  const hn = Array.from({ length: 9 }, (_, row) => vectors[row * 9 + smallest.index]!);
  const h = multiplyHomographies(invertHomography(tt), multiplyHomographies(hn, ts));
  const result = normaliseHomography(h);
  if (result.some((value) => !Number.isFinite(value))) throw new Error("degenerate point configuration");
  return result;
}

/** Root-mean-square distance between H·source[i] and target[i]. */
export function measureReprojectionError(h: Homography, source: readonly Point[], target: readonly Point[]): number {
  let sum = 0;
  for (let index = 0; index < source.length; index++) {
    const p = applyHomography(h, source[index]!);
    sum += (p.x - target[index]!.x) ** 2 + (p.y - target[index]!.y) ** 2;
  }
  return Math.sqrt(sum / source.length);
}
