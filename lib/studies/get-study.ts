// Reading studies: by id (researchers), by join code (volunteers), and the list.
import { AppError } from "@/lib/api/app-error";
import type { Model, PrismaClient, Study } from "@/lib/db/generated/client";
import { normalizeJoinCode } from "./join-code";
import { STUDY_VIEW_INCLUDE, type StudyWithCounts } from "./study-views";

export async function getStudyById(prisma: PrismaClient, id: string): Promise<StudyWithCounts> {
  const study = await prisma.study.findUnique({ where: { id }, include: STUDY_VIEW_INCLUDE });
  if (!study) throw new AppError("not_found", `No study with id ${id}.`);
  return study;
}

/** The study a join code names, with its model; 404 when no study has that code. */
export async function getStudyByCode(prisma: PrismaClient, code: string): Promise<Study & { model: Model }> {
  const normalized = normalizeJoinCode(code);
  const study = normalized.length > 0 && normalized.length <= 32 ? await prisma.study.findUnique({ where: { code: normalized }, include: { model: true } }) : null;
  if (!study) throw new AppError("not_found", `No study has the join code ${JSON.stringify(code.slice(0, 40))}; check the code on the poster.`, { reason: "unknown_code" });
  return study;
}

/** Every study, newest first (all researchers of an installation share them). */
export async function listStudies(prisma: PrismaClient): Promise<StudyWithCounts[]> {
  return prisma.study.findMany({ orderBy: { createdAt: "desc" }, include: STUDY_VIEW_INCLUDE });
}
