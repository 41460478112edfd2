// The fleet simulator's bulk mode, the load generator of the analytics benchmark: the same virtual
// fleet (device models, identities and camera characters from createFleet), the same capture plan
// (skips, bursts, per-device clocks, client capture ids from planCaptures), the same procedural
// base scenes and the same colour pipeline, with the real model run in onnxruntime-node on each
// capture — but no photo file and no upload. Each capture is rendered as a photo just large enough
// for the model's preprocessing (shorter side = the size it resizes to) and only where the
// preprocessing reads it (createCaptureWindowRenderer); each base scene is drawn small, when its
// turn in the plan comes, and dropped after its captures. The model's top-k is kept in typed
// arrays, once, and served as the SyntheticStudy that the database loaders take
// (insertSyntheticStudy, the benchmark's DuckDB baseline): chunks() rebuilds identical rows on
// every call. Ground truth, for a share of the scenes, is the model's answer on the scene as a
// neutral camera sees it (for the colour checker: the patch nearest the colour at the scene's
// centre). Deterministic: the same options give the same rows, whether one thread renders them or
// several worker threads share the scenes (simulate-fleet-rows-worker.ts).
import "server-only";
import { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";
import { minShorterSideFor } from "@/lib/inference/classify-image";
import { topKEntries } from "@/lib/inference/classify";
import { preprocessImage, type DecodedPixels, type PreprocessingSpec } from "@/lib/inference/preprocess";
import type {
  SyntheticCapture,
  SyntheticChunk,
  SyntheticDevice,
  SyntheticPrediction,
  SyntheticScene,
  SyntheticStudy,
} from "@/lib/instability/testing/generate-synthetic-study";
import { describeProceduralScene } from "./base-scenes";
import { createDeviceClassifier, readBuiltinSimulatorModel, type SimulatorModel } from "./create-device-classifier";
import { countDevicesForModels, createFleet, neutralCameraCharacter, type VirtualDeviceModel } from "./device-models";
import { deriveClientCaptureId, deriveUuid, planCapturesByScene } from "./plan-captures";
import { createRandom, type Seed } from "./random";
import { createCaptureWindowRenderer, type ShotVariation } from "./render-capture";
import { expectedDeviceModelKey } from "./virtual-device-info";

export type FleetRowsOptions = {
  seed: Seed;
  scenes: number;
  /** Device models in the fleet (about a quarter of them get two devices, as in createFleet). */
  deviceModels: number;
  /** Default: the built-in colour-checker model. */
  model?: SimulatorModel;
  /** Share of scenes stored with a ground-truth label (default 0.8). */
  groundTruthShare?: number;
  /**
   * Probability that a device leaves a scene out. Default: whatever makes the expected number of
   * captures scenes × device models (one per cell on average; about a third of the scenes per device).
   */
  skipProbability?: number;
  /** Probability of a burst of 3 (default 0.1, as the simulator). */
  burstProbability?: number;
  /** The strongest device model's strength (default 1). */
  maxStrength?: number;
  /** Size the procedural base scenes are drawn at (default 88×66: 4:3 like the simulator's 800×600, about the size of the small photos, so the camera hardly resamples). */
  sceneSize?: { width: number; height: number };
};

export type FleetRowsRunOptions = {
  /** Worker threads sharing the scenes (default 1: render in this thread). */
  workers?: number;
  /** Captures per chunk of chunks() (default 20 000). */
  chunkSize?: number;
  /** Called as scenes are done with the scenes and captures done so far. */
  onProgress?: (scenes: number, captures: number) => void;
};

/** What the simulator injected into one device model (by the server's device-model key). */
export type FleetRowsDeviceModel = { key: string; deviceModelKey: string; strength: number; whiteBalanceShift: number; devices: number };

export type FleetRows = SyntheticStudy & {
  deviceModels: FleetRowsDeviceModel[];
  /** The fleet as rendered: characters at the small photo size. */
  fleet: VirtualDeviceModel[];
  captureCount: number;
  /** The plan's probabilities (the skip probability as resolved). */
  plan: { skipProbability: number; burstProbability: number; burstSize: number };
  sceneSize: { width: number; height: number };
};

/** The captures of a range of scenes, in plan order, as typed columns (what a worker sends back). */
export type SceneRangeRows = {
  captures: number;
  scene: Int32Array;
  device: Uint16Array;
  /** Index of the shot in its burst (0 for single shots). */
  shot: Uint8Array;
  /** The phone's clock when the shutter fired (ms): stands in for the server's upload time. */
  createdAt: Float64Array;
  /** topK entries per capture. */
  topIndex: Uint16Array;
  topProb: Float64Array;
  /** Per scene of the range: the ground-truth class, or -1 where the scene has none. */
  truth: Int32Array;
};

const BURST_SIZE = 3;
const DEFAULT_BURST = 0.1;
const CAPTURE_METHOD = "simulated";
const BACKEND = "cpu";

/** The skip probability that gives one capture per (scene, device model) on average. */
export function skipProbabilityForOneCapturePerCell(options: { devices: number; deviceModels: number; burstProbability: number; burstSize: number }): number {
  const capturesPerShot = 1 + options.burstProbability * (options.burstSize - 1);
  return Math.min(0.95, Math.max(0, 1 - options.deviceModels / (options.devices * capturesPerShot)));
}

/** The nominal photo size scaled so its shorter side is what the preprocessing resizes to: no pixel more than the model needs. */
export function smallPhotoSize(nominal: { width: number; height: number }, preprocessing: PreprocessingSpec): { width: number; height: number } {
  const shorter = minShorterSideFor(preprocessing);
  return nominal.width >= nominal.height
    ? { width: Math.round((nominal.width * shorter) / nominal.height), height: shorter }
    : { width: shorter, height: Math.round((nominal.height * shorter) / nominal.width) };
}

function sha256Of(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Everything that follows from the options alone (cheap; every worker builds the same). */
function prepareFleetStudy(options: FleetRowsOptions) {
  const seed = String(options.seed);
  const model = options.model ?? readBuiltinSimulatorModel();
  if (model.labels.length > 65_536) throw new RangeError("the bulk mode stores class indices in 16 bits: at most 65 536 labels");
  const burstProbability = options.burstProbability ?? DEFAULT_BURST;
  const deviceCount = countDevicesForModels(options.deviceModels);
  if (deviceCount > 65_536) throw new RangeError("the bulk mode stores device indices in 16 bits: at most 65 536 devices");
  const skipProbability =
    options.skipProbability ?? skipProbabilityForOneCapturePerCell({ devices: deviceCount, deviceModels: options.deviceModels, burstProbability, burstSize: BURST_SIZE });
  // The simulator's fleet, its photos made small.
  const fleet = createFleet({ seed, devices: deviceCount, maxStrength: options.maxStrength }).map((virtualModel) => ({
    ...virtualModel,
    character: { ...virtualModel.character, ...smallPhotoSize(virtualModel.identity.nominalPhotoSize, model.preprocessing) },
  }));
  const scenes = Array.from({ length: options.scenes }, (_, i) => describeProceduralScene(seed, i));
  const truthRandom = createRandom(seed).fork("bulk-ground-truth");
  return {
    seed,
    model,
    topK: Math.min(model.topK, model.labels.length),
    fleet,
    fleetDevices: fleet.flatMap((virtualModel) => virtualModel.devices.map((device) => ({ virtualModel, device }))),
    scenes,
    hasTruth: scenes.map(() => truthRandom.chance(options.groundTruthShare ?? 0.8)),
    plan: { skipProbability, burstProbability, burstSize: BURST_SIZE },
    sceneSize: options.sceneSize ?? { width: 88, height: 66 },
  };
}

/** Renders, preprocesses and classifies the captures of scenes [from, to), in this thread. */
export async function simulateSceneRange(options: FleetRowsOptions, from: number, to: number, onScene?: (scenes: number, captures: number) => void): Promise<SceneRangeRows> {
  const setup = prepareFleetStudy(options);
  const { model, topK, sceneSize } = setup;
  const spec = model.preprocessing;
  const render = new Map(setup.fleet.map((virtualModel) => [virtualModel.key, createCaptureWindowRenderer(virtualModel.character, spec)]));
  const renderNeutral = createCaptureWindowRenderer(neutralCameraCharacter(smallPhotoSize({ width: 4, height: 3 }, spec)), spec);
  const neutralShot: ShotVariation = { offsetX: 0, offsetY: 0, zoom: 1, noiseSeed: "neutral" };
  const deviceIndex = new Map(setup.fleetDevices.map(({ device }, i) => [device.key, i]));
  const classifier = createDeviceClassifier(model);
  // The tensor is made before the next render reuses the renderer's pixels; the model runs later.
  const classify = async (pixels: DecodedPixels) => {
    const { tensor, dims } = preprocessImage(pixels, spec);
    return topKEntries(await classifier.runTensor(tensor, dims), model.labels, topK);
  };

  const columns = new CaptureColumns(topK);
  const truth = new Int32Array(to - from).fill(-1);
  let done = 0;
  for (const planned of planCapturesByScene({
    seed: setup.seed,
    fleet: setup.fleet,
    sceneKeys: setup.scenes.map((scene) => scene.key),
    ...setup.plan,
    fromScene: from,
  })) {
    const sceneIndex = from + done;
    if (sceneIndex >= to) break;
    // Drawn small, now, and dropped after its captures.
    const image = setup.scenes[sceneIndex]!.draw(sceneSize.width, sceneSize.height);
    const sceneTruth = setup.hasTruth[sceneIndex] ? classify(renderNeutral(image, neutralShot)) : undefined;
    const tops = await Promise.all(planned.map((capture) => classify(render.get(capture.modelKey)!(image, capture.shot))));
    if (sceneTruth) truth[done] = (await sceneTruth)[0]!.index;
    planned.forEach((capture, i) => columns.push(sceneIndex, deviceIndex.get(capture.deviceKey)!, capture.burstIndex ?? 0, Date.parse(capture.capturedAt), tops[i]!));
    done += 1;
    onScene?.(done, columns.size);
  }
  return { ...columns.trimmed(), truth };
}

/** Growable typed columns: one row per capture. */
class CaptureColumns {
  size = 0;
  private scene = new Int32Array(1024);
  private device = new Uint16Array(1024);
  private shot = new Uint8Array(1024);
  private createdAt = new Float64Array(1024);
  private topIndex: Uint16Array;
  private topProb: Float64Array;
  constructor(private readonly topK: number) {
    this.topIndex = new Uint16Array(1024 * topK);
    this.topProb = new Float64Array(1024 * topK);
  }

  push(scene: number, device: number, shot: number, createdAt: number, top: { index: number; prob: number }[]): void {
    if (this.size === this.scene.length) this.resize(this.size * 2);
    const row = this.size++;
    this.scene[row] = scene;
    this.device[row] = device;
    this.shot[row] = shot;
    this.createdAt[row] = createdAt;
    for (let k = 0; k < this.topK; k++) {
      this.topIndex[row * this.topK + k] = top[k]!.index;
      this.topProb[row * this.topK + k] = top[k]!.prob;
    }
  }

  trimmed(): Omit<SceneRangeRows, "truth"> {
    this.resize(this.size);
    return { captures: this.size, scene: this.scene, device: this.device, shot: this.shot, createdAt: this.createdAt, topIndex: this.topIndex, topProb: this.topProb };
  }

  private resize(capacity: number): void {
    const copy = <T extends Int32Array | Uint16Array | Uint8Array | Float64Array>(column: T, width = 1): T => {
      const next = new (column.constructor as new (length: number) => T)(capacity * width);
      next.set(column.subarray(0, Math.min(column.length, capacity * width)));
      return next;
    };
    this.scene = copy(this.scene);
    this.device = copy(this.device);
    this.shot = copy(this.shot);
    this.createdAt = copy(this.createdAt);
    this.topIndex = copy(this.topIndex, this.topK);
    this.topProb = copy(this.topProb, this.topK);
  }
}

/** Concatenates ranges in scene order. */
function concatenateRanges(parts: SceneRangeRows[]): SceneRangeRows {
  const join = <T extends Int32Array | Uint16Array | Uint8Array | Float64Array>(pick: (part: SceneRangeRows) => T): T => {
    const first = pick(parts[0]!);
    const out = new (first.constructor as new (length: number) => T)(parts.reduce((sum, part) => sum + pick(part).length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(pick(part), offset);
      offset += pick(part).length;
    }
    return out;
  };
  return {
    captures: parts.reduce((sum, part) => sum + part.captures, 0),
    scene: join((part) => part.scene),
    device: join((part) => part.device),
    shot: join((part) => part.shot),
    createdAt: join((part) => part.createdAt),
    topIndex: join((part) => part.topIndex),
    topProb: join((part) => part.topProb),
    truth: join((part) => part.truth),
  };
}

// Worker threads cannot load TypeScript by themselves: each registers tsx first (run from the
// repository root, like the rest of the simulator), then loads the worker module. The
// react-server condition lets it import the server-only modules it needs.
const WORKER_BOOT = `const { workerData } = require("node:worker_threads");
import("tsx/esm/api").then(({ register }) => { register(); return import(workerData.entry); });`;

function simulateSceneRangeInWorker(options: FleetRowsOptions, from: number, to: number, onScene: (scenes: number, captures: number) => void): Promise<SceneRangeRows> {
  const entry = new URL("./simulate-fleet-rows-worker.ts", import.meta.url).href;
  const worker = new Worker(WORKER_BOOT, { eval: true, execArgv: ["--conditions=react-server"], workerData: { entry, options, from, to } });
  return new Promise((resolve, reject) => {
    worker.on("message", (message: { progress: [number, number] } | { rows: SceneRangeRows }) => {
      if ("progress" in message) onScene(...message.progress);
      else {
        resolve(message.rows);
        void worker.terminate();
      }
    });
    worker.on("error", reject);
    worker.on("exit", (code) => reject(new Error(`a fleet-rows worker (scenes ${from}–${to - 1}) exited with code ${code} before sending its rows`)));
  });
}

export async function simulateFleetRows(options: FleetRowsOptions & FleetRowsRunOptions): Promise<FleetRows> {
  const { workers: requestedWorkers, chunkSize = 20_000, onProgress, ...planOptions } = options;
  const setup = prepareFleetStudy(planOptions);
  const { seed, model, topK, fleetDevices } = setup;

  // The captures: in this thread, or in contiguous scene ranges on worker threads.
  const workers = Math.max(1, Math.min(requestedWorkers ?? 1, Math.ceil(options.scenes / 50)));
  let rows: SceneRangeRows;
  if (workers === 1) rows = await simulateSceneRange(planOptions, 0, options.scenes, onProgress);
  else {
    const bounds = Array.from({ length: workers + 1 }, (_, i) => Math.round((options.scenes * i) / workers));
    const progress = Array.from({ length: workers }, () => [0, 0]);
    const report = (worker: number) => (scenes: number, captures: number) => {
      progress[worker] = [scenes, captures];
      onProgress?.(progress.reduce((sum, [s]) => sum + s!, 0), progress.reduce((sum, [, c]) => sum + c!, 0));
    };
    rows = concatenateRanges(await Promise.all(bounds.slice(0, -1).map((from, i) => simulateSceneRangeInWorker({ ...planOptions, model }, from, bounds[i + 1]!, report(i)))));
  }

  // Rows that do not depend on the model's answers, then the scenes' ground truth.
  const modelRow = { id: deriveUuid(`${seed}|bulk|model`), sha256: model.sha256, labels: model.labels };
  const studyId = deriveUuid(`${seed}|bulk|study`);
  const study = { id: studyId, name: `Simulated fleet (seed ${seed}, bulk)`, code: `sim${sha256Of(`${seed}|bulk|code`).slice(0, 10)}`, modelId: modelRow.id };
  const devices: SyntheticDevice[] = fleetDevices.map(({ virtualModel, device }) => ({
    id: deriveUuid(`${seed}|bulk|device|${device.key}`),
    studyId,
    tokenHash: sha256Of(`${seed}|bulk|token|${device.key}`),
    deviceModelKey: expectedDeviceModelKey(virtualModel.identity),
    userAgent: virtualModel.identity.userAgent,
    uaPlatform: virtualModel.identity.clientHints?.platform ?? null,
    captureMethod: CAPTURE_METHOD,
    backend: BACKEND,
  }));
  const scenes: SyntheticScene[] = setup.scenes.map((scene, position) => {
    const labelIndex = rows.truth[position]! >= 0 ? rows.truth[position]! : null;
    return { id: deriveUuid(`${seed}|bulk|scene|${scene.key}`), studyId, key: scene.key, label: labelIndex === null ? null : model.labels[labelIndex]!, labelIndex, position };
  });

  function* chunks(): Generator<SyntheticChunk> {
    let captures: SyntheticCapture[] = [];
    let predictions: SyntheticPrediction[] = [];
    for (let row = 0; row < rows.captures; row++) {
      const scene = scenes[rows.scene[row]!]!;
      const device = devices[rows.device[row]!]!;
      const id = deriveClientCaptureId(seed, fleetDevices[rows.device[row]!]!.device.key, scene.key, rows.shot[row]!);
      captures.push({ id, studyId, clientCaptureId: id, sceneId: scene.id, deviceId: device.id, deviceModelKey: device.deviceModelKey, captureMethod: CAPTURE_METHOD, createdAt: rows.createdAt[row]! });
      const top = Array.from({ length: topK }, (_, k) => {
        const index = rows.topIndex[row * topK + k]!;
        return { index, label: model.labels[index]!, prob: rows.topProb[row * topK + k]! };
      });
      predictions.push({ captureId: id, studyId, source: "device", variant: "original", backend: BACKEND, top, top1Index: top[0]!.index, top1Prob: top[0]!.prob });
      if (captures.length >= chunkSize) {
        yield { captures, predictions };
        captures = [];
        predictions = [];
      }
    }
    if (captures.length > 0) yield { captures, predictions };
  }

  return {
    model: modelRow,
    study,
    scenes,
    devices,
    chunks,
    deviceModels: setup.fleet.map((virtualModel) => ({
      key: virtualModel.key,
      deviceModelKey: expectedDeviceModelKey(virtualModel.identity),
      strength: virtualModel.strength,
      whiteBalanceShift: virtualModel.whiteBalanceShift,
      devices: virtualModel.devices.length,
    })),
    fleet: setup.fleet,
    captureCount: rows.captures,
    plan: setup.plan,
    sceneSize: setup.sceneSize,
  };
}
