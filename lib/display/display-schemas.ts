// Request and response shapes of display mode's API: the scene a study's monitor shows now (what
// phones follow), the display page's fuller view with the stimuli and live capture counts, and the
// researcher's per-scene coverage. Pure (zod only): routes, the display page, the phone and the
// OpenAPI document share them.
import { z } from "zod";
import { sceneDetectionSummarySchema } from "@/lib/display/scene-detection-summary";
import { sceneKeySchema } from "@/lib/studies/study-schemas";

const isoDate = z.iso.datetime();

/** What a joined phone follows (GET /display with a device token, and each server-sent event). */
export const followedSceneSchema = z.object({
  studyId: z.string(),
  /** The scene on the monitor; null when no display has published one yet. */
  sceneKey: z.string().nullable(),
  /** When it was published (ISO 8601); null with no scene. */
  updatedAt: isoDate.nullable(),
});
export type FollowedScene = z.infer<typeof followedSceneSchema>;

export const displaySceneSchema = z.object({
  id: z.string(),
  key: z.string(),
  label: z.string().nullable(),
  position: z.number().int(),
  /** URL of the stimulus image (researchers only), null when the scene has none. */
  stimulusUrl: z.string().nullable(),
});
export type DisplayScene = z.infer<typeof displaySceneSchema>;

export const sceneCaptureCountSchema = z.object({
  /** Phones (devices) with at least one capture of the scene. */
  devices: z.number().int(),
  deviceModels: z.number().int(),
  captures: z.number().int(),
});

/** The display page's state (researchers): the study, its scenes in order, the current scene and its live counts. */
export const displayStateSchema = followedSceneSchema.extend({
  studyCode: z.string(),
  studyName: z.string(),
  scenes: z.array(displaySceneSchema),
  current: sceneCaptureCountSchema.nullable(),
});
export type DisplayState = z.infer<typeof displayStateSchema>;

export const publishDisplaySceneInputSchema = z.strictObject({ sceneKey: sceneKeySchema });
export type PublishDisplaySceneInput = z.infer<typeof publishDisplaySceneInputSchema>;

export const sceneCoverageSchema = z.object({
  id: z.string(),
  key: z.string(),
  label: z.string().nullable(),
  position: z.number().int(),
  hasStimulus: z.boolean(),
  captures: z.number().int(),
  devices: z.number().int(),
  /** Device models that captured the scene, with their capture counts, most captures first. */
  deviceModels: z.array(z.object({ key: z.string(), captures: z.number().int() })),
  lastCaptureAt: isoDate.nullable(),
  /** At least `target` device models captured it. */
  isCovered: z.boolean(),
});

export const coverageReportSchema = z.object({
  studyId: z.string(),
  /** Device models a scene needs before it counts as covered (2 makes it eligible for instability). */
  target: z.number().int(),
  scenes: z.array(sceneCoverageSchema),
  coveredScenes: z.number().int(),
  /** Every device model seen in the study (columns of the coverage table). */
  deviceModels: z.array(z.string()),
});
export type CoverageReport = z.infer<typeof coverageReportSchema>;

export const coverageQuerySchema = z.strictObject({ target: z.coerce.number().int().min(1).max(100).default(3) });

export const stimulusImportResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  scenes: z.array(z.object({ id: z.string(), key: z.string(), label: z.string().nullable(), labelIndex: z.number().int().nullable() })),
});

export const correctSceneInputSchema = z.strictObject({ sceneKey: sceneKeySchema });
export const correctedSceneSchema = z.object({ clientCaptureId: z.string(), sceneKey: z.string() });

/** What a phone records with a capture whose scene came from the display's QR codes (stored on the capture). */
export const captureSceneDetectionSchema = z.strictObject({
  summary: sceneDetectionSummarySchema,
  /** The photo's stored size; the summary's coordinates are in these pixels, before EXIF orientation. */
  photo: z.strictObject({ width: z.number().int().positive().max(100_000), height: z.number().int().positive().max(100_000), orientation: z.number().int().min(1).max(8) }),
  /** Size of the rectified stimulus crop the model also ran on (prediction variant "rectified"), null without one. */
  rectified: z.strictObject({ width: z.number().int().positive().max(16_384), height: z.number().int().positive().max(16_384), outsidePixels: z.number().int().nonnegative() }).nullable(),
});
export type CaptureSceneDetection = z.infer<typeof captureSceneDetectionSchema>;
