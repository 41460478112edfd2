// The JSON record of a scene detection that leaves the phone's worker (to the page, and with the
// capture to the server): which code was read, where the codes and the stimulus were in the photo,
// how well the geometry fitted, how long it took. Rounded to 0.01 px, validated with zod at every
// boundary, and checked for consistency with the payload text itself. Pure.
import { z } from "zod";
import type { SceneDetection } from "@/lib/display/detect-scene";
import { MAX_SCENE_KEY_LENGTH, MAX_STUDY_CODE_LENGTH, parseScenePayload } from "@/lib/display/scene-payload";

const coordinate = z.number().finite().min(-1e6).max(1e6);
const pointSchema = z.strictObject({ x: coordinate, y: coordinate });
const quadSchema = z.tuple([pointSchema, pointSchema, pointSchema, pointSchema]);
const milliseconds = z.number().finite().nonnegative().max(600_000);

export const sceneDetectionSummarySchema = z
  .strictObject({
    payload: z.string().min(1).max(800),
    studyCode: z.string().min(1).max(MAX_STUDY_CODE_LENGTH),
    sceneKey: z.string().min(1).max(MAX_SCENE_KEY_LENGTH),
    codes: z
      .array(
        z.strictObject({
          corner: z.number().int().min(0).max(3).nullable(),
          qrVersion: z.number().int().min(1).max(40),
          /** The symbol's corners as the QR reader found them. */
          corners: quadSchema,
          /** The white tile's corners at subpixel precision, when found. */
          tileCorners: quadSchema.nullable(),
        }),
      )
      .min(1)
      .max(8),
    stimulusQuad: quadSchema.nullable(),
    stimulusModules: z.strictObject({ wide: z.number().int().min(1).max(9999), high: z.number().int().min(1).max(9999) }).nullable(),
    fitErrorPx: z.number().finite().nonnegative().nullable(),
    workingFactor: z.number().int().min(1).max(64),
    timings: z.strictObject({ downscaleMs: milliseconds, decodeMs: milliseconds, fitMs: milliseconds, totalMs: milliseconds }),
  })
  .refine(
    (summary) => {
      const parsed = parseScenePayload(summary.payload);
      return parsed !== null && parsed.studyCode === summary.studyCode && parsed.sceneKey === summary.sceneKey;
    },
    { message: "studyCode and sceneKey must be the ones in the payload" },
  );

export type SceneDetectionSummary = z.infer<typeof sceneDetectionSummarySchema>;

const round = (value: number) => Math.round(value * 100) / 100;
const roundPoint = (point: { x: number; y: number }) => ({ x: round(point.x), y: round(point.y) });
const roundQuad = (quad: SceneDetection["corners"]) => quad.map(roundPoint) as SceneDetectionSummary["stimulusQuad"] & object;

/** The JSON-safe summary of a detection (validated). */
export function summariseSceneDetection(detection: SceneDetection): SceneDetectionSummary {
  return sceneDetectionSummarySchema.parse({
    payload: detection.payload,
    studyCode: detection.studyCode,
    sceneKey: detection.sceneKey,
    codes: detection.codes.map((code) => ({ corner: code.corner, qrVersion: code.qrVersion, corners: roundQuad(code.corners), tileCorners: code.tileCorners ? roundQuad(code.tileCorners) : null })),
    stimulusQuad: detection.stimulusQuad ? roundQuad(detection.stimulusQuad) : null,
    stimulusModules: detection.stimulusModules,
    fitErrorPx: detection.fitErrorPx === null ? null : round(detection.fitErrorPx),
    workingFactor: detection.working.factor,
    timings: {
      downscaleMs: round(detection.timings.downscaleMs),
      decodeMs: round(detection.timings.decodeMs),
      fitMs: round(detection.timings.fitMs),
      totalMs: round(detection.timings.totalMs),
    },
  });
}
