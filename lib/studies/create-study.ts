// Creating a study: its model (given, or the default one), a unique join code, the default consent
// text and settings unless given.
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import { DEFAULT_CONSENT_TEXT } from "./default-consent-text";
import { generateJoinCode } from "./join-code";
import { resolveStudyModel } from "./resolve-study-model";
import type { CreateStudyInput } from "./study-schemas";
import { mergeStudySettings } from "./study-settings";
import { STUDY_VIEW_INCLUDE, type StudyWithCounts } from "./study-views";

const MAX_CODE_ATTEMPTS = 20;

export async function createStudy(
  prisma: PrismaClient,
  input: CreateStudyInput & { createdById?: string | null; isDemo?: boolean; code?: string },
  options: { generateCode?: () => string } = {},
): Promise<StudyWithCounts> {
  const model = await resolveStudyModel(prisma, input.modelId);
  const generate = options.generateCode ?? (() => generateJoinCode());
  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
    const code = input.code ?? generate();
    try {
      return await prisma.study.create({
        data: {
          name: input.name,
          description: input.description ?? "",
          code,
          modelId: model.id,
          consentText: input.consentText ?? DEFAULT_CONSENT_TEXT,
          settings: mergeStudySettings({}, input.settings ?? {}),
          isDemo: input.isDemo ?? false,
          createdById: input.createdById ?? null,
        },
        include: STUDY_VIEW_INCLUDE,
      });
    } catch (error) {
      const isCodeCollision = (error as { code?: string }).code === "P2002";
      if (!isCodeCollision || input.code !== undefined) {
        if (isCodeCollision) throw new AppError("conflict", `The join code ${input.code} is taken.`);
        throw error;
      }
    }
  }
  throw new AppError("unavailable", "Could not find a free join code; try again.");
}
