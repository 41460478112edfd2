import { describe, expect, it } from "vitest";
import type { SceneDetection } from "@/lib/display/detect-scene";
import { sceneDetectionSummarySchema, summariseSceneDetection } from "@/lib/display/scene-detection-summary";

const quad = (x: number, y: number, size: number): SceneDetection["corners"] => [
  { x, y },
  { x: x + size, y },
  { x: x + size, y: y + size },
  { x, y: y + size },
];

const detection: SceneDetection = {
  payload: "PX1:K7F3QZ:scene-017:0h221x166",
  studyCode: "K7F3QZ",
  sceneKey: "scene-017",
  corners: quad(93, 42, 174),
  codes: [{ payload: "PX1:K7F3QZ:scene-017:0h221x166", corner: 0, qrVersion: 3, corners: quad(93, 42, 174), tileCorners: quad(75.004, 23.996, 210.0049) }],
  stimulusQuad: quad(297.123456, 42, 996),
  stimulusToPhoto: [6, 0, 297, 0, 6, 42, 0, 0, 1],
  stimulusModules: { wide: 221, high: 166 },
  fitErrorPx: 0.01234,
  otherScenes: [],
  working: { width: 960, height: 540, factor: 2 },
  timings: { downscaleMs: 12.3456, decodeMs: 30, fitMs: 2, totalMs: 44.3456 },
};

describe("scene detection summary", () => {
  it("rounds to 0.01 px and survives a JSON round trip through the schema", () => {
    const summary = summariseSceneDetection(detection);
    expect(summary.stimulusQuad![0]).toEqual({ x: 297.12, y: 42 });
    expect(summary.codes[0]!.tileCorners![2]).toEqual({ x: 285.01, y: 234 }); // 75.004 + 210.0049, 23.996 + 210.0049
    expect(summary.fitErrorPx).toBe(0.01);
    expect(summary.timings.totalMs).toBe(44.35);
    expect(sceneDetectionSummarySchema.parse(JSON.parse(JSON.stringify(summary)))).toEqual(summary);
  });

  it("rejects a summary whose scene is not the one in its payload, or a malformed one", () => {
    const summary = summariseSceneDetection(detection);
    expect(sceneDetectionSummarySchema.safeParse({ ...summary, sceneKey: "scene-018" }).success).toBe(false);
    expect(sceneDetectionSummarySchema.safeParse({ ...summary, payload: "https://example.com" }).success).toBe(false);
    expect(sceneDetectionSummarySchema.safeParse({ ...summary, codes: [] }).success).toBe(false);
    expect(sceneDetectionSummarySchema.safeParse({ ...summary, stimulusQuad: [{ x: 0, y: 0 }] }).success).toBe(false);
    expect(sceneDetectionSummarySchema.safeParse({ ...summary, extra: 1 }).success).toBe(false);
  });
});
