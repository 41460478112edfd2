// A study's settings (Study.settings JSON): what volunteers may do. Pure; shared by the API, the
// researcher workspace and the phone page. Stored settings are read leniently (unknown keys dropped,
// missing keys defaulted) so older rows keep working when a setting is added.
import { z } from "zod";

export const studySettingsSchema = z.object({
  /** Accept captures whose scene key is not in the study yet (the scene is created on first use). */
  allowUnknownScenes: z.boolean().default(true),
  /** Allow the live camera (getUserMedia) next to the phone's own camera app. */
  allowLiveCamera: z.boolean().default(true),
  /** Allow picking an existing photo from the gallery (recorded as captureMethod "gallery"). */
  allowGallery: z.boolean().default(true),
  /** Offer burst mode (several shots about a second apart, the within-device baseline). */
  allowBurst: z.boolean().default(true),
  burstSize: z.number().int().min(2).max(10).default(3),
  burstIntervalMs: z.number().int().min(200).max(10_000).default(1000),
  /** Display mode: when a photo shows the display's QR codes, also run the model on the rectified crop of the stimulus (prediction variant "rectified"). */
  rectifyDisplayStimulus: z.boolean().default(true),
  /** Show the model's answer to the volunteer after each photo. */
  showResultsToVolunteer: z.boolean().default(true),
});
export type StudySettings = z.infer<typeof studySettingsSchema>;

/** Input: a subset of the settings; unknown keys are an error. */
export const studySettingsInputSchema = z.strictObject(studySettingsSchema.shape).partial();
export type StudySettingsInput = z.infer<typeof studySettingsInputSchema>;

export const DEFAULT_STUDY_SETTINGS: StudySettings = studySettingsSchema.parse({});

/** Settings as stored in the database, made whole (defaults for anything missing or invalid). */
export function readStudySettings(stored: unknown): StudySettings {
  const source = stored && typeof stored === "object" && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const settings: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(studySettingsSchema.shape)) {
    const parsed = (schema as z.ZodType).safeParse(source[key]);
    settings[key] = parsed.success ? parsed.data : (schema as z.ZodType).parse(undefined);
  }
  return settings as StudySettings;
}

export function mergeStudySettings(current: unknown, patch: StudySettingsInput): StudySettings {
  return studySettingsSchema.parse({ ...readStudySettings(current), ...patch });
}
