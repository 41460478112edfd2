// Request and response shapes of studies and scenes, for the API, the OpenAPI document and the
// researcher workspace. Pure (zod only).
import { z } from "zod";
import { modelInfoSchema } from "@/lib/models/model-info";
import { studySettingsInputSchema, studySettingsSchema } from "./study-settings";

const isoDate = z.iso.datetime();

/** Scene keys travel in URLs, QR codes and file names: letters, digits, '.', '_' and '-', no '..'. */
export const sceneKeySchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "may contain only letters, digits, '.', '_' and '-' and must start with a letter or digit")
  .refine((key) => !key.includes(".."), "must not contain '..'");

export const STUDY_STATUSES = ["open", "closed"] as const;

export const createStudyInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000).optional(),
  /** The model the phones run; omitted: the default (built-in) model. */
  modelId: z.string().min(1).max(100).optional(),
  /** Omitted: a default text saying what is collected and that location is never kept. */
  consentText: z.string().trim().min(1).max(20_000).optional(),
  settings: studySettingsInputSchema.optional(),
});
export type CreateStudyInput = z.infer<typeof createStudyInputSchema>;

export const updateStudyInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(5000).optional(),
  consentText: z.string().trim().min(1).max(20_000).optional(),
  settings: studySettingsInputSchema.optional(),
  /** "closed" stops new joins and uploads. */
  status: z.enum(STUDY_STATUSES).optional(),
});
export type UpdateStudyInput = z.infer<typeof updateStudyInputSchema>;

export const sceneInputSchema = z.strictObject({
  key: sceneKeySchema,
  /** Ground-truth label (text as in the model's labels). */
  label: z.string().trim().min(1).max(300).optional(),
  /** Ground-truth class index; derived from `label` when it names one of the model's labels. */
  labelIndex: z.number().int().min(0).max(1_000_000).optional(),
});
export type SceneInput = z.infer<typeof sceneInputSchema>;

const sceneListSchema = z.array(sceneInputSchema).min(1).max(10_000);
/** `{ scenes: [...] }` or the bare array. */
export const addScenesInputSchema = z
  .union([z.strictObject({ scenes: sceneListSchema }), sceneListSchema])
  .transform((input) => (Array.isArray(input) ? input : input.scenes));

export const studyModelSummarySchema = z.object({ id: z.string(), name: z.string(), sha256: z.string() });

export const studyCountsSchema = z.object({ scenes: z.number().int(), devices: z.number().int(), captures: z.number().int() });

export const studyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  code: z.string(),
  joinUrl: z.string(),
  status: z.enum(STUDY_STATUSES),
  isDemo: z.boolean(),
  consentText: z.string(),
  settings: studySettingsSchema,
  model: studyModelSummarySchema,
  createdById: z.string().nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
  counts: studyCountsSchema,
});
export type StudyView = z.infer<typeof studyViewSchema>;

export const createdStudySchema = z.object({ id: z.string(), code: z.string(), joinUrl: z.string(), study: studyViewSchema });

export const sceneViewSchema = z.object({
  id: z.string(),
  key: z.string(),
  label: z.string().nullable(),
  labelIndex: z.number().int().nullable(),
  position: z.number().int(),
  hasStimulus: z.boolean(),
  captures: z.number().int(),
  createdAt: isoDate,
});
export type SceneView = z.infer<typeof sceneViewSchema>;

export const addScenesResultSchema = z.object({ created: z.number().int(), updated: z.number().int(), scenes: z.array(sceneViewSchema) });

/** The study as a volunteer's phone sees it (join response, GET /api/v1/devices/me). */
export const phoneStudySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  code: z.string(),
  status: z.enum(STUDY_STATUSES),
  consentText: z.string(),
  settings: studySettingsSchema,
  /** Everything the phone needs to fetch, preprocess and label with the study's model (lib/models). */
  model: modelInfoSchema,
});
export type PhoneStudy = z.infer<typeof phoneStudySchema>;
