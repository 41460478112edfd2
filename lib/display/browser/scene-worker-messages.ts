// The typed protocol between the phone page and the scene-detection worker (zod on both sides).
// Pure.
import { z } from "zod";
import { sceneDetectionSummarySchema } from "@/lib/display/scene-detection-summary";

export const sceneWorkerRequestSchema = z.object({
  type: z.literal("detect"),
  requestId: z.number().int(),
  bytes: z.instanceof(ArrayBuffer),
  /** Only codes of this study are accepted. */
  studyCode: z.string().min(1).max(64),
  /** Also warp the stimulus region into an upright crop (PNG) when the display layout was found. */
  rectify: z.boolean(),
});
export type SceneWorkerRequest = z.infer<typeof sceneWorkerRequestSchema>;

export const rectifiedCropSchema = z.object({
  png: z.instanceof(ArrayBuffer),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Crop pixels that fell outside the photo (the stimulus was partly out of frame). */
  outsidePixels: z.number().int().nonnegative(),
});
export type RectifiedCrop = z.infer<typeof rectifiedCropSchema>;

export const sceneWorkerResponseSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("detected"),
    requestId: z.number().int(),
    /** Null when no code of the study was found. */
    detection: sceneDetectionSummarySchema.nullable(),
    rectified: rectifiedCropSchema.nullable(),
    /** The photo's stored size (detection coordinates are in these pixels, before EXIF orientation). */
    photo: z.object({ width: z.number().int(), height: z.number().int(), orientation: z.number().int() }),
    decodeMs: z.number().nonnegative(),
  }),
  z.object({ type: z.literal("error"), requestId: z.number().int(), message: z.string() }),
]);
export type SceneWorkerResponse = z.infer<typeof sceneWorkerResponseSchema>;
