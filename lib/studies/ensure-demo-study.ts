// The demo study a first start creates, so that a new user sees Parallax working before recruiting
// anybody: the default (built-in) model, its 24 colour-checker stimuli as scenes with ground truth
// and stimulus images (display mode works on it), marked as a demo. Created only on a database
// without any study, so a researcher who deleted it (or started their own) does not get it back.
import type { PrismaClient } from "@/lib/db/generated/client";
import { listBuiltinStimuli } from "@/lib/models/builtin-models";
import type { BlobStore } from "@/lib/storage/blob-store";
import { createStudy } from "./create-study";
import { saveStimuli } from "./import-stimuli";

export const DEMO_STUDY_NAME = "Demo: colour checker on simulated phones";

const DEMO_DESCRIPTION =
  "A ready-made study filled by Parallax's phone-fleet simulator: virtual device models with their own camera character photograph the 24 patches of a colour-checker chart and run the default model. Every device in it is simulated. Use it to explore the dashboards and exports; delete it when you no longer need it.";

export type DemoStudyState = { studyId: string; created: boolean; captures: number } | null;

/** The demo study: created when the database has no study at all; null when there are studies but no demo. */
export async function ensureDemoStudy(prisma: PrismaClient, store: BlobStore, options: { createdById?: string | null } = {}): Promise<DemoStudyState> {
  const existing = await prisma.study.findFirst({ where: { isDemo: true }, orderBy: { createdAt: "asc" }, select: { id: true, _count: { select: { captures: true } } } });
  if (existing) return { studyId: existing.id, created: false, captures: existing._count.captures };
  if ((await prisma.study.count()) > 0) return null;

  const stimuli = listBuiltinStimuli();
  const study = await createStudy(prisma, { name: DEMO_STUDY_NAME, description: DEMO_DESCRIPTION, isDemo: true, createdById: options.createdById ?? null });
  await saveStimuli(
    prisma,
    store,
    study.id,
    stimuli.map((stimulus) => ({ path: stimulus.fileName, key: stimulus.key, bytes: Buffer.from(stimulus.readBytes()), mime: stimulus.mime, label: stimulus.label })),
  );
  return { studyId: study.id, created: true, captures: 0 };
}
