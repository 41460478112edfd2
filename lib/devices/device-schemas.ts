// API shapes for joining a study and for device views. Pure (zod only).
import { z } from "zod";
import { phoneStudySchema } from "@/lib/studies/study-schemas";
import { deviceInfoSchema } from "./device-info";

export const joinStudyInputSchema = z.strictObject({
  device: deviceInfoSchema.optional(),
  /** Set by the fleet simulator so its devices are labelled as simulated everywhere. */
  simulated: z.boolean().optional(),
});
export type JoinStudyInput = z.infer<typeof joinStudyInputSchema>;

export const joinStudyResultSchema = z.object({
  deviceToken: z.string().describe("Send as `Authorization: Bearer <deviceToken>`; shown only in this response"),
  deviceId: z.string(),
  study: phoneStudySchema,
});

const isoDate = z.iso.datetime();

export const deviceViewSchema = z.object({
  id: z.string(),
  studyId: z.string(),
  deviceModelKey: z.string(),
  deviceModelSource: z.enum(["exif", "client-hints", "user-agent", "unknown"]),
  isSimulated: z.boolean(),
  createdAt: isoDate,
  lastSeenAt: isoDate,
  revokedAt: isoDate.nullable(),
  deletionRequestedAt: isoDate.nullable(),
  captures: z.number().int(),
  identity: z.object({
    userAgent: z.string().nullable(),
    clientHints: z.object({
      brands: z.string().nullable(),
      platform: z.string().nullable(),
      platformVersion: z.string().nullable(),
      model: z.string().nullable(),
      mobile: z.boolean().nullable(),
    }),
    exif: z.object({ make: z.string().nullable(), model: z.string().nullable(), software: z.string().nullable() }),
    webgpu: z.object({ vendor: z.string().nullable(), architecture: z.string().nullable(), device: z.string().nullable(), description: z.string().nullable() }),
    ort: z.object({ version: z.string().nullable(), bundle: z.string().nullable() }),
    hardwareConcurrency: z.number().int().nullable(),
    screen: z.object({ width: z.number().int().nullable(), height: z.number().int().nullable(), devicePixelRatio: z.number().nullable() }),
  }),
});
export type DeviceView = z.infer<typeof deviceViewSchema>;

export const deviceSelfViewSchema = z.object({ device: deviceViewSchema, study: phoneStudySchema });
