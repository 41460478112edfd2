// One simulation run: a seeded virtual fleet joins a study through the public API, photographs
// its scenes (rendered by each phone's camera pipeline), runs the study's model on each photo as a
// phone would (shared preprocessing, onnxruntime-node), and uploads every capture with its device
// token. Without a server it renders and classifies only (offline). Returns the known truth.
import "server-only";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { preprocessingIdOf } from "@/lib/inference/preprocess";
import { builtinModelDir, listBuiltinStimuli } from "@/lib/models/builtin-models";
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import { createProceduralScenes, createStimulusScenes, loadFolderScenes, type BaseScene } from "./base-scenes";
import { createDeviceClassifier, ortNodeVersion, sha256Hex, type SimulatorModel } from "./create-device-classifier";
import { createFleet, type VirtualDeviceModel } from "./device-models";
import { createParallaxClient, type FetchLike, type ParallaxClient } from "./parallax-client";
import { planCaptures, type PlannedCapture } from "./plan-captures";
import type { ProgressBar } from "./progress-bar";
import type { Seed } from "./random";
import { renderCapture, type RgbImage } from "./render-capture";
import { deviceSelfViewSchema } from "@/lib/devices/device-schemas";
import type { ModelInfo } from "@/lib/models/model-info";
import type { PhoneStudy } from "@/lib/studies/study-schemas";
import { addScenes, createStudy, downloadModelFile, getStudy, isDeviceTokenValid, joinStudyAsDevice, uploadCapture, type JoinedDevice, type StudyRef, type UploadedCapture } from "./simulator-api";
import { TRUTH_FORMAT, type SimulationTruth, type TruthCapture, type TruthDeviceModel } from "./simulation-truth";
import { describeVirtualDeviceInfo, describeVirtualRequestHeaders, expectedDeviceModelKey } from "./virtual-device-info";

export type SimulationServer = {
  url: string;
  /** A researcher token: needed to create or read a study and to add its scenes. */
  token?: string;
  /** An existing study (else a new one is created). */
  studyId?: string;
  /** Join by code only, without a researcher token (scenes are then created by the uploads). */
  studyCode?: string;
  /** The model of a new study (default: the server's default model). */
  modelId?: string;
  studyName?: string;
  fetch?: FetchLike;
  /**
   * A folder where the devices' tokens are kept (file mode 0600), so that a re-run with the same
   * seed into the same study reuses the same devices instead of joining new ones. Absent: not kept.
   */
  stateDir?: string;
};

export type SimulationOptions = {
  seed: Seed;
  devices: number;
  scenes: number;
  baseImagesDir?: string;
  /** Longest side of the rendered photos (default 1024). */
  maxPhotoSide?: number;
  /** The strongest device model's strength (default 1: from a near-neutral camera to an extreme one). */
  maxStrength?: number;
  skipProbability?: number;
  burstProbability?: number;
  /** Captures rendered, classified and uploaded at once (default 2). */
  concurrency?: number;
  server?: SimulationServer;
  /** The model for an offline run (with a server, the study's model is downloaded like a phone does). */
  model?: SimulatorModel;
  /** Makes the progress bar once the number of captures is known. */
  progress?: (totalCaptures: number) => ProgressBar;
  log?: (message: string) => void;
  /** Sees every capture's bytes and prediction (tests compare them across runs). */
  onCapture?: (capture: { planned: PlannedCapture; bytes: Uint8Array; prediction: PredictionPayload }) => void;
};

export type SimulationResult = { truth: SimulationTruth; study: StudyRef | null };

const DEFAULT_SKIP = 0.15;
const DEFAULT_BURST = 0.1;

const deviceStateSchema = z.object({
  serverUrl: z.string(),
  studyId: z.string(),
  seed: z.string(),
  devices: z.record(z.string(), z.object({ deviceId: z.string(), deviceToken: z.string() })),
});
type DeviceState = z.infer<typeof deviceStateSchema>;

function readDeviceState(file: string | null | undefined, expected: { serverUrl: string; studyId: string; seed: string }): DeviceState["devices"] {
  if (!file || !existsSync(file)) return {};
  try {
    const state = deviceStateSchema.parse(JSON.parse(readFileSync(file, "utf8")));
    return state.serverUrl === expected.serverUrl && state.studyId === expected.studyId && state.seed === expected.seed ? state.devices : {};
  } catch {
    return {};
  }
}

function writeDeviceState(file: string | null | undefined, state: DeviceState): void {
  if (!file) return;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

let builtinSha: string | undefined;
/** SHA-256 of the built-in colour-checker model, to recognise a study that uses it. */
export function builtinColourCheckerSha256(): string | undefined {
  if (builtinSha) return builtinSha;
  const file = path.join(builtinModelDir(), "model.onnx");
  if (!existsSync(file)) return undefined;
  return (builtinSha = sha256Hex(readFileSync(file)));
}

/** Scenes for a run: a photo folder when given, the colour checker's stimuli for the default model, else procedural. */
export async function chooseBaseScenes(options: { seed: Seed; count: number; baseImagesDir?: string; modelSha256: string }): Promise<{ scenes: BaseScene[]; description: string; labelIndex: Map<string, number> }> {
  if (options.baseImagesDir) {
    return { scenes: await loadFolderScenes({ dir: options.baseImagesDir, count: options.count }), description: `folder:${options.baseImagesDir}`, labelIndex: new Map() };
  }
  if (options.modelSha256 === builtinColourCheckerSha256()) {
    const stimuli = listBuiltinStimuli().slice(0, options.count);
    return {
      scenes: createStimulusScenes(stimuli.map((stimulus) => ({ key: stimulus.key, label: stimulus.label, bytes: stimulus.readBytes() }))),
      description: "stimuli:builtin:colorchecker",
      labelIndex: new Map(stimuli.map((stimulus) => [stimulus.key, stimulus.labelIndex])),
    };
  }
  return { scenes: createProceduralScenes({ seed: options.seed, count: options.count }), description: "procedural", labelIndex: new Map() };
}

/** The study as the phones see it: from a join response, or asked for with a reused device's token. */
async function fetchPhoneStudy(client: ParallaxClient, devices: Map<string, Device>): Promise<{ study: PhoneStudy; token: string }> {
  const all = [...devices.values()];
  const joined = all.find((device) => device.joined)?.joined;
  if (joined) return { study: joined.study, token: joined.deviceToken };
  const token = all[0]!.token!;
  return { study: deviceSelfViewSchema.parse(await client.request("/api/v1/devices/me", { token })).study, token };
}

/** The study's model as a phone receives it, downloaded and checked. */
async function fetchStudyModel(client: ParallaxClient, model: ModelInfo, deviceToken: string): Promise<SimulatorModel> {
  const bytes = await downloadModelFile(client, model.fileUrl, deviceToken);
  return {
    name: model.name,
    bytes,
    sha256: model.sha256,
    inputName: model.inputName,
    outputName: model.outputName,
    labels: model.labels,
    topK: model.topK,
    preprocessing: model.preprocessing,
  };
}

type Device = { model: VirtualDeviceModel; key: string; deviceId?: string; token?: string; headers: Record<string, string>; joined?: JoinedDevice };

async function joinFleet(client: ParallaxClient, study: StudyRef, fleet: VirtualDeviceModel[], server: SimulationServer, seed: string, log: (message: string) => void): Promise<Map<string, Device>> {
  const stateFile = server.stateDir ? path.join(server.stateDir, `devices-${sha256Hex(new TextEncoder().encode(`${client.serverUrl}|${study.id || study.code}|${seed}`)).slice(0, 24)}.json`) : undefined;
  const saved = readDeviceState(stateFile, { serverUrl: client.serverUrl, studyId: study.id || study.code, seed });
  const devices = new Map<string, Device>();
  let reused = 0;
  for (const model of fleet) {
    const headers = describeVirtualRequestHeaders(model.identity);
    for (const device of model.devices) {
      const previous = saved[device.key];
      if (previous && (await isDeviceTokenValid(client, previous.deviceToken))) {
        devices.set(device.key, { model, key: device.key, deviceId: previous.deviceId, token: previous.deviceToken, headers });
        reused += 1;
        continue;
      }
      const joined = await joinStudyAsDevice(client, study.code, describeVirtualDeviceInfo(model.identity, { ortVersion: ortNodeVersion() }), headers);
      devices.set(device.key, { model, key: device.key, deviceId: joined.deviceId, token: joined.deviceToken, headers, joined });
    }
  }
  if (reused) log(`Reusing ${reused} device(s) joined by an earlier run (${stateFile}).`);
  writeDeviceState(stateFile, {
    serverUrl: client.serverUrl,
    studyId: study.id || study.code,
    seed,
    devices: Object.fromEntries([...devices.values()].map((device) => [device.key, { deviceId: device.deviceId!, deviceToken: device.token! }])),
  });
  return devices;
}

/** Groups of consecutive plan entries with the same scene and device model: uploaded one after another. */
function groupPlan(plan: PlannedCapture[]): { sceneKey: string; captures: { planned: PlannedCapture; order: number }[] }[] {
  const groups: { sceneKey: string; modelKey: string; captures: { planned: PlannedCapture; order: number }[] }[] = [];
  plan.forEach((planned, order) => {
    const last = groups.at(-1);
    if (last && last.sceneKey === planned.sceneKey && last.modelKey === planned.modelKey) last.captures.push({ planned, order });
    else groups.push({ sceneKey: planned.sceneKey, modelKey: planned.modelKey, captures: [{ planned, order }] });
  });
  return groups;
}

/** The study to fill: the given one, a join code only (resolved after joining), or a new study. */
export async function resolveStudy(client: ParallaxClient, server: SimulationServer, context: { seed: string; devices: number; log: (message: string) => void }): Promise<StudyRef> {
  if (server.studyId) {
    if (!server.token) throw new Error("reading a study needs a researcher token (--token)");
    return getStudy(client, server.token, server.studyId);
  }
  if (server.studyCode) return { id: "", code: server.studyCode, name: "", model: { id: "", name: "", sha256: "" } };
  if (!server.token) throw new Error("creating a study needs a researcher token (--token)");
  const study = await createStudy(client, server.token, {
    name: server.studyName ?? `Simulated fleet (seed ${context.seed})`,
    description: `Created by the Parallax fleet simulator: ${context.devices} simulated devices, seed ${context.seed}. Every device and capture here is simulated.`,
    ...(server.modelId ? { modelId: server.modelId } : {}),
  });
  context.log(`Created study ${study.id} (join code ${study.code}).`);
  return study;
}

/** A device model as the known truth describes it. */
export function describeTruthDeviceModel(model: VirtualDeviceModel, devices: { key: string; deviceId?: string; captures: number }[]): TruthDeviceModel {
  return {
    key: model.key,
    deviceModelKey: expectedDeviceModelKey(model.identity),
    identity: {
      make: model.identity.make,
      model: model.identity.model,
      marketingName: model.identity.marketingName,
      os: model.identity.os,
      osVersion: model.identity.osVersion,
      browser: model.identity.browser,
      userAgent: model.identity.userAgent,
      exif: model.identity.exif,
    },
    strength: model.strength,
    whiteBalanceShift: model.whiteBalanceShift,
    deviations: model.deviations,
    character: model.character,
    devices,
  };
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const seed = String(options.seed);
  const log = options.log ?? (() => {});
  const maxPhotoSide = options.maxPhotoSide ?? 1024;
  const skipProbability = options.skipProbability ?? DEFAULT_SKIP;
  const burstProbability = options.burstProbability ?? DEFAULT_BURST;
  const fleet = createFleet({ seed, devices: options.devices, maxPhotoSide, maxStrength: options.maxStrength });

  // 1. Study, devices and model (through the API), or the given model offline.
  let client: ParallaxClient | undefined;
  let study: StudyRef | null = null;
  let devices = new Map<string, Device>();
  let model: SimulatorModel;
  const server = options.server;
  if (server) {
    client = createParallaxClient({ serverUrl: server.url, fetch: server.fetch, onRetry: ({ method, path: route, attempt, reason }) => log(`retrying ${method} ${route} (attempt ${attempt + 1}; ${reason})`) });
    study = await resolveStudy(client, server, { seed, devices: options.devices, log });
    devices = await joinFleet(client, study, fleet, server, seed, log);
    const phone = await fetchPhoneStudy(client, devices);
    if (!study.id) study = { id: phone.study.id, code: phone.study.code, name: phone.study.name, model: phone.study.model };
    model = await fetchStudyModel(client, phone.study.model, phone.token);
  } else {
    if (!options.model) throw new Error("an offline simulation needs a model");
    model = options.model;
    for (const virtualModel of fleet) for (const device of virtualModel.devices) devices.set(device.key, { model: virtualModel, key: device.key, headers: {} });
  }
  const classifier = createDeviceClassifier(model);

  // 2. Scenes: registered with the study (with their labels) when we may.
  const { scenes, description, labelIndex } = await chooseBaseScenes({ seed, count: options.scenes, baseImagesDir: options.baseImagesDir, modelSha256: model.sha256 });
  if (scenes.length < options.scenes) log(`Using ${scenes.length} scene(s): that is all the base scenes there are.`);
  if (client && study && server?.token) {
    await addScenes(client, server.token, study.id, scenes.map((scene) => ({ key: scene.key, ...(scene.label ? { label: scene.label } : {}) })));
  }

  // 3. Plan, then render → classify → upload, a few groups at a time.
  const plan = planCaptures({ seed, fleet, sceneKeys: scenes.map((scene) => scene.key), skipProbability, burstProbability });
  const progress = options.progress?.(plan.length);
  const groups = groupPlan(plan);
  const sceneByKey = new Map(scenes.map((scene) => [scene.key, scene]));
  const modelByKey = new Map(fleet.map((virtualModel) => [virtualModel.key, virtualModel]));
  const pendingGroups = new Map<string, number>();
  for (const group of groups) pendingGroups.set(group.sceneKey, (pendingGroups.get(group.sceneKey) ?? 0) + 1);
  const loadedScenes = new Map<string, Promise<RgbImage>>();
  const loadScene = (key: string) => {
    let image = loadedScenes.get(key);
    if (!image) loadedScenes.set(key, (image = sceneByKey.get(key)!.load()));
    return image;
  };
  const records: TruthCapture[] = new Array(plan.length);
  let next = 0;
  let failure: unknown;

  const processGroup = async (group: (typeof groups)[number]) => {
    const image = await loadScene(group.sceneKey);
    for (const { planned, order } of group.captures) {
      if (failure) return;
      const virtualModel = modelByKey.get(planned.modelKey)!;
      const device = devices.get(planned.deviceKey)!;
      const rendered = await renderCapture({ scene: image, character: virtualModel.character, identity: virtualModel.identity, shot: planned.shot, capturedAt: new Date(planned.capturedAt) });
      const prediction = await classifier.classify(rendered.bytes);
      options.onCapture?.({ planned, bytes: rendered.bytes, prediction });
      let uploaded: UploadedCapture | undefined;
      if (client && device.token) {
        uploaded = await uploadCapture(
          client,
          device.token,
          {
            clientCaptureId: planned.clientCaptureId,
            sceneKey: planned.sceneKey,
            capturedAt: planned.capturedAt,
            ...(planned.burstId ? { burstId: planned.burstId, burstIndex: planned.burstIndex } : {}),
            prediction,
            image: { bytes: rendered.bytes, fileName: `${planned.clientCaptureId}.jpg`, mime: "image/jpeg" },
          },
          device.headers,
        );
      }
      records[order] = {
        clientCaptureId: planned.clientCaptureId,
        order,
        sceneKey: planned.sceneKey,
        deviceKey: planned.deviceKey,
        modelKey: planned.modelKey,
        ...(planned.burstId ? { burstId: planned.burstId, burstIndex: planned.burstIndex } : {}),
        capturedAt: planned.capturedAt,
        image: { sha256: sha256Hex(rendered.bytes), sizeBytes: rendered.bytes.length, width: rendered.width, height: rendered.height },
        prediction: { top1Index: prediction.top[0]!.index, top: prediction.top, ...(prediction.tensorSha256 ? { tensorSha256: prediction.tensorSha256 } : {}) },
        ...(uploaded ? { captureId: uploaded.captureId, serverDeviceModelKey: uploaded.deviceModelKey } : {}),
      };
      progress?.tick(1, planned.sceneKey);
    }
    const left = pendingGroups.get(group.sceneKey)! - 1;
    pendingGroups.set(group.sceneKey, left);
    if (left === 0) loadedScenes.delete(group.sceneKey);
  };

  const worker = async () => {
    while (!failure && next < groups.length) {
      const group = groups[next++]!;
      try {
        await processGroup(group);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  if (failure) throw failure;
  progress?.finish();

  // 4. The known truth.
  const captureCounts = new Map<string, number>();
  for (const planned of plan) captureCounts.set(planned.deviceKey, (captureCounts.get(planned.deviceKey) ?? 0) + 1);
  const truth: SimulationTruth = {
    format: TRUTH_FORMAT,
    seed,
    options: { devices: options.devices, scenes: scenes.length, maxPhotoSide, skipProbability, burstProbability, baseScenes: description },
    server: client && study ? { url: client.serverUrl, studyId: study.id, studyCode: study.code } : null,
    model: {
      sha256: model.sha256,
      name: model.name,
      numClasses: model.labels.length,
      preprocessingId: preprocessingIdOf(model.preprocessing),
      runtime: classifier.runtime.runtime,
      ...(classifier.runtime.runtimeVersion ? { runtimeVersion: classifier.runtime.runtimeVersion } : {}),
    },
    scenes: scenes.map((scene) => ({
      key: scene.key,
      source: scene.source,
      ...(scene.label ? { label: scene.label } : {}),
      ...(labelIndex.has(scene.key) ? { labelIndex: labelIndex.get(scene.key) } : {}),
    })),
    deviceModels: fleet.map((virtualModel) =>
      describeTruthDeviceModel(
        virtualModel,
        virtualModel.devices.map((device) => ({
          key: device.key,
          ...(devices.get(device.key)?.deviceId ? { deviceId: devices.get(device.key)!.deviceId } : {}),
          captures: captureCounts.get(device.key) ?? 0,
        })),
      ),
    ),
    captures: records,
  };
  return { truth, study };
}
