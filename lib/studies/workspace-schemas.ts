// Shapes the researcher workspace reads and the API returns for it: the studies list with activity,
// a study's live view (counters, recent captures, devices), what deleting a study or a device's
// data removes, and the result of such a deletion. Pure (zod only).
import { z } from "zod";
import { deviceViewSchema } from "@/lib/devices/device-schemas";
import { STUDY_STATUSES } from "./study-schemas";

const isoDate = z.iso.datetime();

export const studySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  code: z.string(),
  status: z.enum(STUDY_STATUSES),
  isDemo: z.boolean(),
  model: z.object({ id: z.string(), name: z.string() }),
  devices: z.number().int(),
  captures: z.number().int(),
  /** Volunteers' deletion requests not honoured yet. */
  deletionRequests: z.number().int(),
  /** The latest capture or join; the study's creation when nothing happened yet. */
  lastActivityAt: isoDate,
  createdAt: isoDate,
});
export type StudySummary = z.infer<typeof studySummarySchema>;

export const liveCaptureSchema = z.object({
  id: z.string(),
  createdAt: isoDate,
  sceneKey: z.string(),
  deviceId: z.string(),
  deviceModelKey: z.string(),
  captureMethod: z.string(),
  /** The phone's own top-1 (null when the upload carried no prediction). */
  top1: z.object({ label: z.string(), prob: z.number() }).nullable(),
  referenceStatus: z.string(),
  /** Researcher-only JPEG preview: /api/v1/captures/{id}/thumbnail?size=… */
  thumbnailUrl: z.string(),
});
export type LiveCapture = z.infer<typeof liveCaptureSchema>;

export const studyLiveCountsSchema = z.object({
  devices: z.number().int(),
  deviceModels: z.number().int(),
  captures: z.number().int(),
  scenes: z.number().int(),
  deletionRequests: z.number().int(),
});

export const studyLiveSchema = z.object({
  studyId: z.string(),
  status: z.enum(STUDY_STATUSES),
  counts: studyLiveCountsSchema,
  lastActivityAt: isoDate,
  /** Newest first. */
  recentCaptures: z.array(liveCaptureSchema),
  /** Newest first; at most `devicesShown` of `counts.devices`. Devices that asked for deletion come first. */
  devices: z.array(deviceViewSchema),
  generatedAt: isoDate,
});
export type StudyLive = z.infer<typeof studyLiveSchema>;

export const studyLiveQuerySchema = z.object({
  recent: z.coerce.number().int().min(1).max(100).default(12),
  devices: z.coerce.number().int().min(0).max(1000).default(200),
});

/** What deleting a study (or a device's data) removes; shown before the researcher confirms. */
export const dataSummarySchema = z.object({
  devices: z.number().int(),
  captures: z.number().int(),
  predictions: z.number().int(),
  scenes: z.number().int(),
  /** Stored photo files that go (identical bytes are stored once). */
  photos: z.number().int(),
  photoBytes: z.number().int(),
  /** Photo files kept because another study or device uses identical bytes. */
  sharedPhotos: z.number().int(),
  /** Stimulus images of the study's scenes. */
  stimuli: z.number().int(),
});
export type DataSummary = z.infer<typeof dataSummarySchema>;

export const deletionResultSchema = z.object({
  deleted: dataSummarySchema,
  /** Files removed from the blob store (photos and stimuli no other row uses). */
  blobsDeleted: z.number().int(),
  bytesFreed: z.number().int(),
});
export type DeletionResult = z.infer<typeof deletionResultSchema>;

export const deleteStudyQuerySchema = z.object({
  /** The study's join code, as a guard against deleting the wrong study by id. Optional for scripts. */
  confirm: z.string().max(40).optional(),
});

export const deletionPreviewQuerySchema = z.object({
  /** Preview one device's data instead of the whole study. */
  deviceId: z.string().min(1).max(100).optional(),
});
