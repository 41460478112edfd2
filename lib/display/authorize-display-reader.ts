// Who may read a study's display scene: a researcher (session, API token, admin token), or a
// volunteer's device of that very study (its bearer token), which sees only the followed scene.
import "server-only";
import { AppError } from "@/lib/api/app-error";
import { readBearerToken } from "@/lib/auth/request-credentials";
import { requireDevice, requireResearcher } from "@/lib/auth/require-researcher";

export type DisplayReader = { kind: "researcher" } | { kind: "device"; deviceId: string };

export async function authorizeDisplayReader(request: Request, studyId: string): Promise<DisplayReader> {
  if (readBearerToken(request) !== undefined) {
    try {
      const device = await requireDevice(request);
      if (device.studyId !== studyId) throw new AppError("forbidden", "This device belongs to another study.", { reason: "other_study" });
      return { kind: "device", deviceId: device.deviceId };
    } catch (error) {
      // A researcher's bearer token is refused by the device check: try it as a researcher's.
      if (!(error instanceof AppError && error.code === "forbidden" && (error.details as { reason?: string } | undefined)?.reason === "researcher_token")) throw error;
    }
  }
  await requireResearcher(request);
  return { kind: "researcher" };
}
