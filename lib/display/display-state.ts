// The scene a study's monitor shows now: published by the display page (persisted on the study,
// Study.displaySceneKey/displayUpdatedAt), read by the display page with its live capture counts
// and followed by joined phones. Changes are announced in-process (server-sent events wake at
// once); the event route also re-reads the row every couple of seconds so several server
// processes stay in step. Server only.
import "server-only";
import { EventEmitter } from "node:events";
import { AppError } from "@/lib/api/app-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { DisplayState, FollowedScene } from "./display-schemas";

type Emitter = { emitter?: EventEmitter };
const state: Emitter = ((globalThis as { __parallaxDisplayEvents?: Emitter }).__parallaxDisplayEvents ??= {});
function emitter(): EventEmitter {
  if (!state.emitter) {
    state.emitter = new EventEmitter();
    state.emitter.setMaxListeners(5000);
  }
  return state.emitter;
}

/** Calls `listener` whenever a study's display scene is published in this process. */
export function onDisplayPublished(studyId: string, listener: () => void): () => void {
  emitter().on(studyId, listener);
  return () => emitter().off(studyId, listener);
}

export function stimulusUrlOf(studyId: string, sceneId: string): string {
  return `/api/v1/studies/${encodeURIComponent(studyId)}/display/stimuli/${encodeURIComponent(sceneId)}`;
}

/** The scene phones follow. */
export async function getFollowedScene(prisma: PrismaClient, studyId: string): Promise<FollowedScene> {
  const study = await prisma.study.findUnique({ where: { id: studyId }, select: { displaySceneKey: true, displayUpdatedAt: true } });
  if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
  return { studyId, sceneKey: study.displaySceneKey, updatedAt: study.displayUpdatedAt?.toISOString() ?? null };
}

/** Phones, device models and captures of one scene. */
export async function countSceneCaptures(prisma: PrismaClient, sceneId: string) {
  const rows = await prisma.capture.groupBy({ by: ["deviceId", "deviceModelKey"], where: { sceneId }, _count: { _all: true } });
  return {
    devices: new Set(rows.map((row) => row.deviceId)).size,
    deviceModels: new Set(rows.map((row) => row.deviceModelKey)).size,
    captures: rows.reduce((sum, row) => sum + row._count._all, 0),
  };
}

/** The display page's state: scenes in order, the current one (the published one, else the first) and its counts. */
export async function getDisplayState(prisma: PrismaClient, studyId: string): Promise<DisplayState> {
  const study = await prisma.study.findUnique({ where: { id: studyId }, select: { id: true, code: true, name: true, displaySceneKey: true, displayUpdatedAt: true } });
  if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
  const scenes = await prisma.scene.findMany({
    where: { studyId },
    orderBy: [{ position: "asc" }, { key: "asc" }],
    select: { id: true, key: true, label: true, position: true, stimulusBlobKey: true },
  });
  const current = scenes.find((scene) => scene.key === study.displaySceneKey);
  return {
    studyId,
    studyCode: study.code,
    studyName: study.name,
    sceneKey: current ? study.displaySceneKey : null,
    updatedAt: current ? (study.displayUpdatedAt?.toISOString() ?? null) : null,
    scenes: scenes.map((scene) => ({ id: scene.id, key: scene.key, label: scene.label, position: scene.position, stimulusUrl: scene.stimulusBlobKey ? stimulusUrlOf(studyId, scene.id) : null })),
    current: current ? await countSceneCaptures(prisma, current.id) : null,
  };
}

/** Publishes the scene the monitor shows (it must be one of the study's scenes). */
export async function publishDisplayScene(prisma: PrismaClient, studyId: string, sceneKey: string): Promise<DisplayState> {
  const scene = await prisma.scene.findUnique({ where: { studyId_key: { studyId, key: sceneKey } }, select: { id: true } });
  if (!scene) {
    const study = await prisma.study.count({ where: { id: studyId } });
    if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
    throw new AppError("not_found", `The study has no scene ${sceneKey}.`, { reason: "unknown_scene" });
  }
  await prisma.study.update({ where: { id: studyId }, data: { displaySceneKey: sceneKey, displayUpdatedAt: new Date() } });
  emitter().emit(studyId);
  return getDisplayState(prisma, studyId);
}

/** A scene's stimulus blob and type, for serving it. */
export async function findStimulus(prisma: PrismaClient, studyId: string, sceneId: string): Promise<{ blobKey: string; mime: string; sha256: string | null }> {
  const scene = await prisma.scene.findFirst({ where: { id: sceneId, studyId }, select: { stimulusBlobKey: true, stimulusMime: true, stimulusSha256: true } });
  if (!scene?.stimulusBlobKey) throw new AppError("not_found", "This scene has no stimulus image.");
  return { blobKey: scene.stimulusBlobKey, mime: scene.stimulusMime ?? "application/octet-stream", sha256: scene.stimulusSha256 };
}
