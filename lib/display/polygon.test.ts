import { describe, expect, it } from "vitest";
import { computeArea, computeConvexIou, intersectConvexPolygons } from "@/lib/display/polygon";

const rect = (x: number, y: number, w: number, h: number) => [
  { x, y },
  { x: x + w, y },
  { x: x + w, y: y + h },
  { x, y: y + h },
];

describe("convex polygon IoU", () => {
  it("matches hand-computed overlaps", () => {
    expect(computeConvexIou(rect(0, 0, 1, 1), rect(0, 0, 1, 1))).toBeCloseTo(1, 12);
    // Half-overlapping unit squares: 0.5 / 1.5.
    expect(computeConvexIou(rect(0, 0, 1, 1), rect(0.5, 0, 1, 1))).toBeCloseTo(1 / 3, 12);
    // A diamond |x| + |y| ≤ 1 (area 2) inside the square [−1, 1]² (area 4).
    const diamond = [
      { x: 1, y: 0 },
      { x: 0, y: 1 },
      { x: -1, y: 0 },
      { x: 0, y: -1 },
    ];
    expect(computeConvexIou(rect(-1, -1, 2, 2), diamond)).toBeCloseTo(0.5, 12);
    // Corner overlap of 10×10 squares shifted by (5, 5): 25 / 175.
    expect(computeConvexIou(rect(0, 0, 10, 10), rect(5, 5, 10, 10))).toBeCloseTo(25 / 175, 12);
    expect(computeConvexIou(rect(0, 0, 1, 1), rect(2, 2, 1, 1))).toBe(0);
  });

  it("does not depend on vertex order", () => {
    const a = rect(0, 0, 4, 3);
    const b = rect(1, 1, 4, 3);
    expect(computeConvexIou([...a].reverse(), b)).toBeCloseTo(computeConvexIou(a, b), 12);
    expect(computeArea(intersectConvexPolygons(a, [...b].reverse()))).toBeCloseTo(6, 12);
  });

  it("rejects non-convex polygons", () => {
    const dart = [
      { x: 0, y: 0 },
      { x: 2, y: 1 },
      { x: 0, y: 2 },
      { x: 1, y: 1 },
    ];
    expect(() => computeConvexIou(dart, rect(0, 0, 1, 1))).toThrow(/convex/);
  });
});
