// A volunteer corrects the scene of one of their own captures (the QR code or the followed display
// named the wrong one): the capture moves to the scene with the given key, created when the study
// allows unknown scenes. Only the device that took the photo may do this. Server only.
import "server-only";
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import { readStudySettings } from "@/lib/studies/study-settings";

export async function correctCaptureScene(
  prisma: PrismaClient,
  input: { studyId: string; deviceId: string; clientCaptureId: string; sceneKey: string },
): Promise<{ clientCaptureId: string; sceneKey: string }> {
  return prisma.$transaction(async (tx) => {
    const capture = await tx.capture.findUnique({ where: { studyId_clientCaptureId: { studyId: input.studyId, clientCaptureId: input.clientCaptureId } }, select: { id: true, deviceId: true } });
    if (!capture || capture.deviceId !== input.deviceId) throw new AppError("not_found", "This phone has no stored capture with that id (yet).", { reason: "unknown_capture" });
    let scene = await tx.scene.findUnique({ where: { studyId_key: { studyId: input.studyId, key: input.sceneKey } }, select: { id: true } });
    if (!scene) {
      const study = await tx.study.findUniqueOrThrow({ where: { id: input.studyId }, select: { settings: true } });
      if (!readStudySettings(study.settings).allowUnknownScenes) throw new AppError("unprocessable", `The study has no scene ${input.sceneKey}.`, { reason: "unknown_scene" });
      const last = await tx.scene.aggregate({ where: { studyId: input.studyId }, _max: { position: true } });
      scene = await tx.scene.create({ data: { studyId: input.studyId, key: input.sceneKey, position: (last._max.position ?? -1) + 1 }, select: { id: true } });
    }
    await tx.capture.update({ where: { id: capture.id }, data: { sceneId: scene.id } });
    return { clientCaptureId: input.clientCaptureId, sceneKey: input.sceneKey };
  });
}
