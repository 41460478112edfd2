// A study's live view for the workspace: counters, the newest captures with the phone's top-1 and
// device model, and the devices with how each was identified (deletion requests first). The study
// page renders it on the server, then polls GET /api/v1/studies/{id}/live every few seconds while
// the tab is visible.
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import { toDeviceView } from "@/lib/devices/device-views";
import type { LiveCapture, StudyLive } from "./workspace-schemas";

type TopEntry = { label?: unknown; prob?: unknown };

/** The thumbnail size the study page shows (one of the thumbnail endpoint's sizes). */
export const LIVE_THUMBNAIL_SIZE = 320;

function readTop1(top: unknown): LiveCapture["top1"] {
  const first = Array.isArray(top) ? (top[0] as TopEntry | undefined) : undefined;
  if (!first || typeof first.label !== "string" || typeof first.prob !== "number") return null;
  return { label: first.label, prob: first.prob };
}

export async function getStudyLive(prisma: PrismaClient, studyId: string, options: { recent?: number; devices?: number; now?: Date } = {}): Promise<StudyLive> {
  const recent = options.recent ?? 12;
  const devicesShown = options.devices ?? 200;
  const study = await prisma.study.findUnique({ where: { id: studyId }, select: { id: true, status: true, createdAt: true } });
  if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
  const [devices, deviceModels, captures, scenes, deletionRequests, lastCapture, lastJoin, recentRows, requested, others] = await Promise.all([
    prisma.device.count({ where: { studyId } }),
    prisma.device.groupBy({ by: ["deviceModelKey"], where: { studyId } }),
    prisma.capture.count({ where: { studyId } }),
    prisma.scene.count({ where: { studyId } }),
    prisma.device.count({ where: { studyId, deletionRequestedAt: { not: null } } }),
    prisma.capture.findFirst({ where: { studyId }, orderBy: { id: "desc" }, select: { createdAt: true } }),
    prisma.device.findFirst({ where: { studyId }, orderBy: { createdAt: "desc" }, select: { createdAt: true } }),
    prisma.capture.findMany({
      where: { studyId },
      orderBy: { id: "desc" },
      take: recent,
      select: {
        id: true,
        createdAt: true,
        deviceId: true,
        deviceModelKey: true,
        captureMethod: true,
        referenceStatus: true,
        scene: { select: { key: true } },
        predictions: { where: { source: "device", variant: "original" }, select: { top: true }, take: 1 },
      },
    }),
    prisma.device.findMany({
      where: { studyId, deletionRequestedAt: { not: null } },
      orderBy: { deletionRequestedAt: "asc" },
      take: devicesShown,
      include: { _count: { select: { captures: true } } },
    }),
    prisma.device.findMany({
      where: { studyId, deletionRequestedAt: null },
      orderBy: { createdAt: "desc" },
      take: devicesShown,
      include: { _count: { select: { captures: true } } },
    }),
  ]);
  const lastActivity = [study.createdAt, lastCapture?.createdAt, lastJoin?.createdAt].reduce<Date>((best, date) => (date && date > best ? date : best), study.createdAt);
  return {
    studyId,
    status: study.status === "closed" ? "closed" : "open",
    counts: { devices, deviceModels: deviceModels.length, captures, scenes, deletionRequests },
    lastActivityAt: lastActivity.toISOString(),
    recentCaptures: recentRows.map((row) => ({
      id: row.id,
      createdAt: row.createdAt.toISOString(),
      sceneKey: row.scene.key,
      deviceId: row.deviceId,
      deviceModelKey: row.deviceModelKey,
      captureMethod: row.captureMethod,
      top1: readTop1(row.predictions[0]?.top),
      referenceStatus: row.referenceStatus,
      thumbnailUrl: `/api/v1/captures/${encodeURIComponent(row.id)}/thumbnail?size=${LIVE_THUMBNAIL_SIZE}`,
    })),
    devices: [...requested, ...others].slice(0, devicesShown).map(toDeviceView),
    generatedAt: (options.now ?? new Date()).toISOString(),
  };
}
