// GET: what deleting the study (or, with ?deviceId=, one device's data) would remove — rows by kind
// and the photo files that go — shown to the researcher before they confirm.
import { z } from "zod";
import { AppError } from "@/lib/api/app-error";
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { readQuery } from "@/lib/api/read-json-body";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getDatabase } from "@/lib/db/database";
import { describeDataDeletion } from "@/lib/studies/describe-data-deletion";
import { getStudyById } from "@/lib/studies/get-study";
import { dataSummarySchema, deletionPreviewQuerySchema } from "@/lib/studies/workspace-schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = withErrorResponses(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  await requireResearcher(request);
  const { deviceId } = readQuery(request, deletionPreviewQuerySchema);
  const { id } = await context.params;
  const db = await getDatabase();
  await getStudyById(db.prisma, id);
  if (deviceId !== undefined && !(await db.prisma.device.findFirst({ where: { id: deviceId, studyId: id }, select: { id: true } }))) {
    throw new AppError("not_found", `No device with id ${deviceId} in this study.`);
  }
  const summary = await describeDataDeletion(db.sql, deviceId === undefined ? { studyId: id } : { studyId: id, deviceId });
  return jsonResponse(z.object({ studyId: z.string(), deviceId: z.string().nullable(), deletes: dataSummarySchema }), { studyId: id, deviceId: deviceId ?? null, deletes: summary });
});
