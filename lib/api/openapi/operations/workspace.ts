// The researcher workspace's endpoints: a study's live view, deleting a study or one device's data
// (with a preview of what goes), and researcher accounts (invitations).
import { z } from "zod";
import { invitedResearcherSchema, inviteResearcherInputSchema, researcherAccountSchema } from "@/lib/researchers/researcher-schemas";
import {
  dataSummarySchema,
  deleteStudyQuerySchema,
  deletionPreviewQuerySchema,
  deletionResultSchema,
  studyLiveQuerySchema,
  studyLiveSchema,
} from "@/lib/studies/workspace-schemas";
import { defineOperation } from "../api-operation";
import { idParams } from "./common";

export const workspaceOperations = [
  defineOperation({
    method: "get",
    path: "/api/v1/studies/{id}/live",
    operationId: "getStudyLive",
    summary: "A study's live view: counters, newest captures (thumbnail URL, device model, top-1), devices",
    description: "Devices that asked for deletion of their data come first. The workspace's study page polls this every few seconds.",
    tags: ["Studies"],
    security: "researcher",
    pathParams: idParams,
    query: studyLiveQuerySchema,
    responses: { 200: { description: "The live view", schema: studyLiveSchema } },
    errors: [400, 404],
  }),
  defineOperation({
    method: "delete",
    path: "/api/v1/studies/{id}",
    operationId: "deleteStudy",
    summary: "Delete a study with its scenes, devices, captures, predictions and photo files",
    description:
      "The study is closed first, then its rows go; photo and stimulus files that no other study uses are removed from storage with their thumbnails. `confirm` (the join code) guards against deleting the wrong study; scripts may omit it.",
    tags: ["Studies"],
    security: "researcher",
    pathParams: idParams,
    query: deleteStudyQuerySchema,
    responses: { 200: { description: "What was removed", schema: deletionResultSchema } },
    errors: [400, 404],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/studies/{id}/deletion-preview",
    operationId: "previewDataDeletion",
    summary: "What deleting the study (or one device's data) would remove",
    tags: ["Studies"],
    security: "researcher",
    pathParams: idParams,
    query: deletionPreviewQuerySchema,
    responses: { 200: { description: "Rows by kind and photo files", schema: z.object({ studyId: z.string(), deviceId: z.string().nullable(), deletes: dataSummarySchema }) } },
    errors: [400, 404],
  }),
  defineOperation({
    method: "delete",
    path: "/api/v1/studies/{id}/devices/{deviceId}",
    operationId: "deleteDeviceData",
    summary: "Delete one device's data (honours a volunteer's deletion request)",
    description: "The device record (its token stops working), its captures and predictions, and the photo files no other row uses.",
    tags: ["Studies"],
    security: "researcher",
    pathParams: z.object({ id: z.string().describe("The study's id"), deviceId: z.string().describe("The device's id") }),
    responses: { 200: { description: "What was removed", schema: deletionResultSchema } },
    errors: [404],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/researchers",
    operationId: "listResearchers",
    summary: "The researcher accounts, oldest first",
    tags: ["Researchers and tokens"],
    security: "researcher",
    responses: { 200: { description: "Researchers (never password hashes)", schema: z.object({ researchers: z.array(researcherAccountSchema) }) } },
  }),
  defineOperation({
    method: "post",
    path: "/api/v1/researchers",
    operationId: "inviteResearcher",
    summary: "Invite a researcher (admins): the account's one-time password is in this response only",
    description: "The new researcher signs in at /signin with the one-time password and must choose a new one.",
    tags: ["Researchers and tokens"],
    security: "admin",
    requestBody: { contentType: "application/json", schema: inviteResearcherInputSchema },
    responses: { 201: { description: "Created", schema: invitedResearcherSchema } },
    errors: [400, 409],
  }),
];
