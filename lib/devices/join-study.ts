// A volunteer's phone joins a study by its code: a new anonymous device with a device token (the
// secret is returned once; only its hash is kept), identified from what the page and the request say.
import { AppError } from "@/lib/api/app-error";
import { generateSecretToken, hashSecretToken, DEVICE_TOKEN_PREFIX } from "@/lib/auth/secret-tokens";
import type { PrismaClient } from "@/lib/db/generated/client";
import { getStudyByCode } from "@/lib/studies/get-study";
import type { PhoneStudy } from "@/lib/studies/study-schemas";
import { toPhoneStudy } from "@/lib/studies/study-views";
import { EMPTY_DEVICE_IDENTITY, mergeDeviceIdentity } from "./device-identity";
import type { ClientHints } from "./device-info";
import type { JoinStudyInput } from "./device-schemas";

export type JoinedStudy = { deviceToken: string; deviceId: string; study: PhoneStudy };

export async function joinStudy(
  prisma: PrismaClient,
  code: string,
  input: JoinStudyInput,
  request: { userAgent?: string | null; clientHints?: ClientHints } = {},
): Promise<JoinedStudy> {
  const study = await getStudyByCode(prisma, code);
  if (study.status !== "open") throw new AppError("gone", "This study is closed and does not accept new participants.", { reason: "study_closed" });
  const identity = mergeDeviceIdentity(EMPTY_DEVICE_IDENTITY, { info: input.device, userAgentHeader: request.userAgent, clientHintHeaders: request.clientHints });
  const deviceToken = generateSecretToken(DEVICE_TOKEN_PREFIX);
  const device = await prisma.device.create({
    data: {
      studyId: study.id,
      tokenHash: hashSecretToken(deviceToken),
      ...identity,
      info: (input.device ?? {}) as object,
      isSimulated: input.simulated ?? false,
    },
    select: { id: true },
  });
  return { deviceToken, deviceId: device.id, study: toPhoneStudy(study) };
}
