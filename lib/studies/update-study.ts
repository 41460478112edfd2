// Changing a study's name, texts, settings or status (closing it stops joins and uploads).
import { forgetAllUploadContexts } from "@/lib/captures/upload-context-cache";
import type { PrismaClient } from "@/lib/db/generated/client";
import { getStudyById } from "./get-study";
import type { UpdateStudyInput } from "./study-schemas";
import { mergeStudySettings } from "./study-settings";
import { STUDY_VIEW_INCLUDE, type StudyWithCounts } from "./study-views";

export async function updateStudy(prisma: PrismaClient, id: string, input: UpdateStudyInput): Promise<StudyWithCounts> {
  const current = await getStudyById(prisma, id);
  const updated = await prisma.study.update({
    where: { id },
    data: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.consentText !== undefined ? { consentText: input.consentText } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.settings !== undefined ? { settings: mergeStudySettings(current.settings, input.settings) } : {}),
    },
    include: STUDY_VIEW_INCLUDE,
  });
  // Uploads must see a closed study (or changed rules) at once.
  forgetAllUploadContexts();
  return updated;
}
