// The studies list of the workspace: every study with its model, devices, captures, open deletion
// requests and last activity (latest capture or join), newest study first. Four grouped queries,
// whatever the number of studies.
import type { PrismaClient } from "@/lib/db/generated/client";
import type { StudySummary } from "./workspace-schemas";

function latest(...dates: Array<Date | null | undefined>): Date {
  return dates.reduce<Date>((best, date) => (date && date > best ? date : best), new Date(0));
}

export async function listStudySummaries(prisma: PrismaClient): Promise<StudySummary[]> {
  const [studies, lastCaptures, lastJoins, requests] = await Promise.all([
    prisma.study.findMany({
      orderBy: { createdAt: "desc" },
      include: { model: { select: { id: true, name: true } }, _count: { select: { devices: true, captures: true } } },
    }),
    prisma.capture.groupBy({ by: ["studyId"], _max: { createdAt: true } }),
    prisma.device.groupBy({ by: ["studyId"], _max: { createdAt: true } }),
    prisma.device.groupBy({ by: ["studyId"], where: { deletionRequestedAt: { not: null } }, _count: { _all: true } }),
  ]);
  const captureAt = new Map(lastCaptures.map((row) => [row.studyId, row._max.createdAt]));
  const joinAt = new Map(lastJoins.map((row) => [row.studyId, row._max.createdAt]));
  const requestCount = new Map(requests.map((row) => [row.studyId, row._count._all]));
  return studies.map((study) => ({
    id: study.id,
    name: study.name,
    code: study.code,
    status: study.status === "closed" ? "closed" : "open",
    isDemo: study.isDemo,
    model: { id: study.model.id, name: study.model.name },
    devices: study._count.devices,
    captures: study._count.captures,
    deletionRequests: requestCount.get(study.id) ?? 0,
    lastActivityAt: latest(study.createdAt, captureAt.get(study.id), joinAt.get(study.id)).toISOString(),
    createdAt: study.createdAt.toISOString(),
  }));
}
