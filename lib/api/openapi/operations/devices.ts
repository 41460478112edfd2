// Joining a study and a device's own data (device token).
import { z } from "zod";
import { capturePageSchema, listCapturesQuerySchema } from "@/lib/captures/capture-schemas";
import { deviceSelfViewSchema, deviceViewSchema, joinStudyInputSchema, joinStudyResultSchema } from "@/lib/devices/device-schemas";
import { joinPreviewSchema } from "@/lib/studies/get-join-preview";
import { defineOperation } from "../api-operation";
import { codeParams, idParams } from "./common";

const tags = ["Devices"];

export const deviceOperations = [
  defineOperation({
    method: "get",
    path: "/api/v1/join/{code}",
    operationId: "previewJoin",
    summary: "What a volunteer reads before joining (consent text); creates nothing",
    tags,
    security: "none",
    pathParams: codeParams,
    responses: { 200: { description: "The study's public description", schema: joinPreviewSchema } },
    errors: [404, 429],
  }),
  defineOperation({
    method: "post",
    path: "/api/v1/join/{code}",
    operationId: "joinStudy",
    summary: "Join a study as a new device (after consent)",
    description: "The device token works for this study only: it uploads captures and reads this device's own captures and results.",
    tags,
    security: "none",
    pathParams: codeParams,
    requestBody: { contentType: "application/json", schema: joinStudyInputSchema, required: false },
    responses: { 201: { description: "The device token (shown once), the device id and the study with its model", schema: joinStudyResultSchema } },
    errors: [400, 404, 410, 429],
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/devices/me",
    operationId: "getOwnDevice",
    summary: "This device and its study",
    tags,
    security: "device",
    responses: { 200: { description: "The device and its study", schema: deviceSelfViewSchema } },
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/devices/me/captures",
    operationId: "listOwnCaptures",
    summary: "This device's captures with their results (its own only)",
    tags,
    security: "device",
    query: listCapturesQuerySchema.omit({ deviceId: true }),
    responses: { 200: { description: "One page; follow nextCursor", schema: capturePageSchema } },
    errors: [400],
  }),
  defineOperation({
    method: "post",
    path: "/api/v1/devices/me/deletion-request",
    operationId: "requestOwnDeletion",
    summary: "Ask for this device's photos and data to be deleted",
    tags,
    security: "device",
    responses: { 200: { description: "Recorded", schema: z.object({ device: deviceViewSchema }) } },
  }),
  defineOperation({
    method: "get",
    path: "/api/v1/devices/{id}",
    operationId: "getDevice",
    summary: "One device and how it was identified",
    tags: ["Studies"],
    security: "researcher",
    pathParams: idParams,
    responses: { 200: { description: "The device", schema: deviceViewSchema } },
    errors: [404],
  }),
];
