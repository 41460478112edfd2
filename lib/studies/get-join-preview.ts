// What a volunteer sees before joining (the consent screen): the study's name, description,
// consent text and settings — no device is created and no token handed out until they accept.
import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import { getStudyByCode } from "./get-study";
import { STUDY_STATUSES } from "./study-schemas";
import { readStudySettings, studySettingsSchema } from "./study-settings";

export const joinPreviewSchema = z.object({
  code: z.string(),
  name: z.string(),
  description: z.string(),
  consentText: z.string(),
  status: z.enum(STUDY_STATUSES),
  settings: studySettingsSchema,
  model: z.object({ name: z.string(), sizeBytes: z.number().int() }),
});
export type JoinPreview = z.infer<typeof joinPreviewSchema>;

export async function getJoinPreview(prisma: PrismaClient, code: string): Promise<JoinPreview> {
  const study = await getStudyByCode(prisma, code);
  return {
    code: study.code,
    name: study.name,
    description: study.description,
    consentText: study.consentText,
    status: study.status === "closed" ? "closed" : "open",
    settings: readStudySettings(study.settings),
    model: { name: study.model.name, sizeBytes: study.model.sizeBytes },
  };
}
