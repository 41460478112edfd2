// Operations for admins: what is stored, and collecting orphan blobs now.
import { z } from "zod";
import { storageDescriptionSchema } from "@/lib/storage/describe-storage";
import { defineOperation } from "../api-operation";

const tags = ["Administration"];

export const blobCleanupQuerySchema = z.strictObject({
  /** Only blobs older than this are collected (default 3600: protects uploads in flight). */
  graceSeconds: z.coerce.number().int().min(0).max(30 * 86_400).default(3600),
});

export const blobCleanupResultSchema = z.object({
  scanned: z.number().int(),
  deleted: z.number().int(),
  deletedBytes: z.number().int(),
  keptYoung: z.number().int(),
  temporaryFilesRemoved: z.number().int(),
});

export const adminOperations = [
  defineOperation({
    method: "get",
    path: "/api/v1/admin/storage",
    operationId: "describeStorage",
    summary: "Row counts per table and blobs on disk",
    tags,
    security: "admin",
    responses: { 200: { description: "Counts", schema: storageDescriptionSchema } },
  }),
  defineOperation({
    method: "post",
    path: "/api/v1/admin/blobs/cleanup",
    operationId: "collectOrphanBlobs",
    summary: "Delete blobs no row references (and leftovers of interrupted uploads)",
    tags,
    security: "admin",
    query: blobCleanupQuerySchema,
    responses: { 200: { description: "What was collected", schema: blobCleanupResultSchema } },
    errors: [400],
  }),
];
