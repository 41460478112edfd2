// Exact area and intersection-over-union of convex polygons (Sutherland–Hodgman clipping, shoelace
// area), used to score how well a detected stimulus quadrilateral matches the true one. Pure.
import type { Point } from "@/lib/display/layout";

/** Signed shoelace area (positive when the vertices run counter-clockwise in a y-up frame). */
export function computeSignedArea(polygon: readonly Point[]): number {
  let sum = 0;
  for (let index = 0; index < polygon.length; index++) {
    const a = polygon[index]!;
    const b = polygon[(index + 1) % polygon.length]!;
    sum += a.x * b.y - b.x * a.y;
  }
  return sum / 2;
}

export function computeArea(polygon: readonly Point[]): number {
  return Math.abs(computeSignedArea(polygon));
}

function orient(polygon: readonly Point[]): Point[] {
  return computeSignedArea(polygon) < 0 ? [...polygon].reverse() : [...polygon];
}

export function isConvex(polygon: readonly Point[]): boolean {
  let sign = 0;
  for (let index = 0; index < polygon.length; index++) {
    const a = polygon[index]!;
    const b = polygon[(index + 1) % polygon.length]!;
    const c = polygon[(index + 2) % polygon.length]!;
    const cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
    if (cross === 0) continue;
    if (sign === 0) sign = Math.sign(cross);
    else if (Math.sign(cross) !== sign) return false;
  }
  return sign !== 0;
}

/** The intersection of two convex polygons (empty array when they do not overlap). */
export function intersectConvexPolygons(subject: readonly Point[], clip: readonly Point[]): Point[] {
  let output = orient(subject);
  const clipper = orient(clip);
  for (let index = 0; index < clipper.length && output.length > 0; index++) {
    const a = clipper[index]!;
    const b = clipper[(index + 1) % clipper.length]!;
    const inside = (p: Point) => (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x) >= 0;
    const intersect = (p: Point, q: Point): Point => {
      const dx = q.x - p.x;
      const dy = q.y - p.y;
      const denominator = (b.x - a.x) * dy - (b.y - a.y) * dx;
      const t = ((b.x - a.x) * (a.y - p.y) - (b.y - a.y) * (a.x - p.x)) / denominator;
      return { x: p.x + t * dx, y: p.y + t * dy };
    };
    const input = output;
    output = [];
    for (let j = 0; j < input.length; j++) {
      const current = input[j]!;
      const previous = input[(j + input.length - 1) % input.length]!;
      if (inside(current)) {
        if (!inside(previous)) output.push(intersect(previous, current));
        output.push(current);
      } else if (inside(previous)) {
        output.push(intersect(previous, current));
      }
    }
  }
  return output;
}

/** Intersection over union of two convex polygons; throws for a non-convex input. */
export function computeConvexIou(a: readonly Point[], b: readonly Point[]): number {
  if (!isConvex(a) || !isConvex(b)) throw new Error("IoU is only defined here for convex polygons");
  const intersection = computeArea(intersectConvexPolygons(a, b));
  const union = computeArea(a) + computeArea(b) - intersection;
  return union > 0 ? intersection / union : 0;
}
