// Per-scene coverage of a controlled session: which device models captured each scene, how many
// phones and captures, and whether the scene has reached the researcher's target number of device
// models. One grouped query. Server only.
import "server-only";
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { CoverageReport } from "./display-schemas";

export async function getSceneCoverage(prisma: PrismaClient, studyId: string, target: number): Promise<CoverageReport> {
  const study = await prisma.study.count({ where: { id: studyId } });
  if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
  const [scenes, groups] = await Promise.all([
    prisma.scene.findMany({ where: { studyId }, orderBy: [{ position: "asc" }, { key: "asc" }], select: { id: true, key: true, label: true, position: true, stimulusBlobKey: true } }),
    prisma.capture.groupBy({ by: ["sceneId", "deviceModelKey", "deviceId"], where: { studyId }, _count: { _all: true }, _max: { createdAt: true } }),
  ]);
  const bySceneId = new Map<string, { models: Map<string, number>; devices: Set<string>; captures: number; last: Date | null }>();
  const allModels = new Set<string>();
  for (const group of groups) {
    const entry = bySceneId.get(group.sceneId) ?? { models: new Map(), devices: new Set(), captures: 0, last: null };
    entry.models.set(group.deviceModelKey, (entry.models.get(group.deviceModelKey) ?? 0) + group._count._all);
    entry.devices.add(group.deviceId);
    entry.captures += group._count._all;
    const at = group._max.createdAt;
    if (at && (!entry.last || at > entry.last)) entry.last = at;
    bySceneId.set(group.sceneId, entry);
    allModels.add(group.deviceModelKey);
  }
  const rows = scenes.map((scene) => {
    const entry = bySceneId.get(scene.id);
    const deviceModels = [...(entry?.models ?? new Map<string, number>()).entries()]
      .map(([key, captures]) => ({ key, captures }))
      .sort((a, b) => b.captures - a.captures || a.key.localeCompare(b.key));
    return {
      id: scene.id,
      key: scene.key,
      label: scene.label,
      position: scene.position,
      hasStimulus: scene.stimulusBlobKey !== null,
      captures: entry?.captures ?? 0,
      devices: entry?.devices.size ?? 0,
      deviceModels,
      lastCaptureAt: entry?.last?.toISOString() ?? null,
      isCovered: deviceModels.length >= target,
    };
  });
  return { studyId, target, scenes: rows, coveredScenes: rows.filter((row) => row.isCovered).length, deviceModels: [...allModels].sort() };
}
