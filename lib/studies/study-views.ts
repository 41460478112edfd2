// Turns study and scene rows into the API's views (dates as ISO strings, settings made whole).
import type { Model, Scene, Study } from "@/lib/db/generated/client";
import { toModelInfo } from "@/lib/models/model-info";
import type { PhoneStudy, SceneView, StudyView } from "./study-schemas";
import { readStudySettings } from "./study-settings";

export function joinUrlFor(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/join/${encodeURIComponent(code)}`;
}

export type StudyWithCounts = Study & {
  model: Pick<Model, "id" | "name" | "sha256">;
  _count: { scenes: number; devices: number; captures: number };
};

export function toStudyView(study: StudyWithCounts, baseUrl: string): StudyView {
  return {
    id: study.id,
    name: study.name,
    description: study.description,
    code: study.code,
    joinUrl: joinUrlFor(baseUrl, study.code),
    status: study.status === "closed" ? "closed" : "open",
    isDemo: study.isDemo,
    consentText: study.consentText,
    settings: readStudySettings(study.settings),
    model: { id: study.model.id, name: study.model.name, sha256: study.model.sha256 },
    createdById: study.createdById,
    createdAt: study.createdAt.toISOString(),
    updatedAt: study.updatedAt.toISOString(),
    counts: { scenes: study._count.scenes, devices: study._count.devices, captures: study._count.captures },
  };
}

export function toPhoneStudy(study: Study & { model: Model }): PhoneStudy {
  return {
    id: study.id,
    name: study.name,
    description: study.description,
    code: study.code,
    status: study.status === "closed" ? "closed" : "open",
    consentText: study.consentText,
    settings: readStudySettings(study.settings),
    model: toModelInfo(study.model),
  };
}

export function toSceneView(scene: Scene & { _count?: { captures: number } }): SceneView {
  return {
    id: scene.id,
    key: scene.key,
    label: scene.label,
    labelIndex: scene.labelIndex,
    position: scene.position,
    hasStimulus: scene.stimulusBlobKey !== null,
    captures: scene._count?.captures ?? 0,
    createdAt: scene.createdAt.toISOString(),
  };
}

export const STUDY_VIEW_INCLUDE = {
  model: { select: { id: true, name: true, sha256: true } },
  _count: { select: { scenes: true, devices: true, captures: true } },
} as const;
