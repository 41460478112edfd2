// Bulk scenes for a study: new keys are created (in the given order, after the existing ones),
// existing keys get their ground-truth label updated when one is given. Labels are matched to the
// model's labels to fill in the class index.
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient, Scene } from "@/lib/db/generated/client";
import type { SceneInput } from "./study-schemas";

export function matchLabelIndex(labels: unknown, label: string | undefined): number | null {
  if (label === undefined || !Array.isArray(labels)) return null;
  const wanted = label.trim().toLowerCase();
  const index = labels.findIndex((candidate) => String(candidate).trim().toLowerCase() === wanted);
  return index >= 0 ? index : null;
}

export async function addScenes(prisma: PrismaClient, studyId: string, scenes: SceneInput[]): Promise<{ created: number; updated: number; scenes: Scene[] }> {
  const seen = new Set<string>();
  for (const [index, scene] of scenes.entries()) {
    if (seen.has(scene.key)) throw new AppError("validation_failed", `Scene key ${scene.key} appears twice.`, [{ path: `scenes.${index}.key`, message: "duplicate key" }]);
    seen.add(scene.key);
  }
  return prisma.$transaction(async (tx) => {
    const study = await tx.study.findUnique({ where: { id: studyId }, include: { model: { select: { labels: true, numClasses: true } } } });
    if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
    for (const [index, scene] of scenes.entries()) {
      if (scene.labelIndex !== undefined && scene.labelIndex >= study.model.numClasses) {
        throw new AppError("validation_failed", `labelIndex ${scene.labelIndex} is beyond the model's ${study.model.numClasses} classes.`, [
          { path: `scenes.${index}.labelIndex`, message: "out of range" },
        ]);
      }
    }
    const existing = await tx.scene.findMany({ where: { studyId, key: { in: scenes.map((scene) => scene.key) } } });
    const byKey = new Map(existing.map((scene) => [scene.key, scene]));
    const last = await tx.scene.aggregate({ where: { studyId }, _max: { position: true } });
    let position = (last._max.position ?? -1) + 1;
    const toCreate: Array<{ studyId: string; key: string; label: string | null; labelIndex: number | null; position: number }> = [];
    let updated = 0;
    for (const scene of scenes) {
      const labelIndex = scene.labelIndex ?? matchLabelIndex(study.model.labels, scene.label);
      const current = byKey.get(scene.key);
      if (!current) {
        toCreate.push({ studyId, key: scene.key, label: scene.label ?? null, labelIndex, position: position++ });
      } else if (scene.label !== undefined || scene.labelIndex !== undefined) {
        await tx.scene.update({ where: { id: current.id }, data: { label: scene.label ?? current.label, labelIndex } });
        updated += 1;
      }
    }
    if (toCreate.length) await tx.scene.createMany({ data: toCreate });
    const created = toCreate.length;
    const result = await tx.scene.findMany({ where: { studyId, key: { in: scenes.map((scene) => scene.key) } }, orderBy: { position: "asc" } });
    return { created, updated, scenes: result };
  }, { maxWait: 60_000, timeout: 120_000 });
}

export async function listScenes(prisma: PrismaClient, studyId: string) {
  return prisma.scene.findMany({ where: { studyId }, orderBy: [{ position: "asc" }, { key: "asc" }], include: { _count: { select: { captures: true } } } });
}
