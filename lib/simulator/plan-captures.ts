// Which photos the virtual fleet takes, decided from the seed before anything is rendered: each
// device walks through the scenes in order, skips some, photographs some in bursts (for the
// within-device baseline), aims a little differently each time, and keeps its own clock. Every
// capture gets a client capture id derived from the seed, so a re-run uploads the same ids and the
// server's idempotency turns it into a no-op. The plan can be walked one scene at a time, so a
// bulk run of millions of captures never holds it whole. Pure.
import type { VirtualDeviceModel } from "./device-models";
import { createRandom, hashSeed, type Seed } from "./random";
import type { ShotVariation } from "./render-capture";

export type PlannedCapture = {
  clientCaptureId: string;
  sceneKey: string;
  sceneIndex: number;
  deviceKey: string;
  modelKey: string;
  /** Shared by the shots of one burst; absent for single shots. */
  burstId?: string;
  burstIndex?: number;
  shot: ShotVariation;
  /** The phone's clock when the shutter fired (ISO 8601, UTC). */
  capturedAt: string;
};

export type CapturePlanOptions = {
  seed: Seed;
  fleet: readonly VirtualDeviceModel[];
  sceneKeys: readonly string[];
  /** Probability that a device leaves a scene out. */
  skipProbability?: number;
  /** Probability that a device photographs a scene in a burst. */
  burstProbability?: number;
  burstSize?: number;
  /** planCapturesByScene only: scenes before this one are walked for the devices' clocks, not yielded (default 0). */
  fromScene?: number;
};

/** A UUID (version-4 layout) derived from text: stable, and unique for distinct texts in practice. */
export function deriveUuid(text: string): string {
  const words = [...hashSeed(`uuid:${text}`), ...hashSeed(`uuid2:${text}`)].slice(0, 4);
  const hex = words.map((word) => word.toString(16).padStart(8, "0")).join("");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The first day of the simulated study (a fixed date moved by up to 60 days by the seed). */
export function simulationStartTime(seed: Seed): number {
  const day = createRandom(seed).fork("calendar").int(0, 59);
  return Date.UTC(2024, 5, 3, 9, 0, 0) + day * 86_400_000;
}

/** The client capture id of one shot: derived from the seed, so a re-run uploads the same ids. */
export function deriveClientCaptureId(seed: Seed, deviceKey: string, sceneKey: string, shotIndex: number): string {
  return deriveUuid(`${seed}|capture|${deviceKey}|${sceneKey}|${shotIndex}`);
}

/**
 * The captures in upload order: by scene, then device model, then device, then shot. Captures of
 * one scene by one device model are uploaded one after another in this order, so the server's
 * creation order (the vote tie-break) matches this plan.
 */
export function planCaptures(options: CapturePlanOptions): PlannedCapture[] {
  const plan: PlannedCapture[] = [];
  for (const sceneCaptures of planCapturesByScene(options)) plan.push(...sceneCaptures);
  return plan;
}

/**
 * The same plan, one scene's captures at a time (every scene from `fromScene` on, also those no
 * device took), holding only each device's clock in between: a plan of millions of captures never
 * sits in memory, and a worker can start in the middle (the clocks still walk the scenes before).
 */
export function* planCapturesByScene(options: CapturePlanOptions): Generator<PlannedCapture[]> {
  const skip = options.skipProbability ?? 0.15;
  const burst = options.burstProbability ?? 0.1;
  const burstSize = options.burstSize ?? 3;
  const root = createRandom(options.seed).fork("captures");
  const start = simulationStartTime(options.seed);
  const devices = options.fleet.flatMap((model) =>
    model.devices.map((device) => {
      const random = root.fork(device.key);
      return { model, device, random, clock: start + random.int(0, 30 * 60) * 1000 };
    }),
  );

  const fromScene = options.fromScene ?? 0;
  for (let sceneIndex = 0; sceneIndex < options.sceneKeys.length; sceneIndex++) {
    const sceneKey = options.sceneKeys[sceneIndex]!;
    const shots: PlannedCapture[] = [];
    for (const state of devices) {
      const { model, device } = state;
      const sceneRandom = state.random.fork(sceneKey);
      state.clock += sceneRandom.int(6, 40) * 1000;
      if (sceneRandom.chance(skip)) continue;
      const isBurst = sceneRandom.chance(burst);
      const count = isBurst ? burstSize : 1;
      if (sceneIndex < fromScene) {
        state.clock += (count - 1) * 1000;
        continue;
      }
      const aimX = device.framingBias.x + sceneRandom.normal(0, 0.004);
      const aimY = device.framingBias.y + sceneRandom.normal(0, 0.004);
      const zoom = 1 + sceneRandom.normal(0, 0.004);
      const burstId = isBurst ? deriveUuid(`${options.seed}|burst|${device.key}|${sceneKey}`) : undefined;
      for (let shotIndex = 0; shotIndex < count; shotIndex++) {
        const jitter = shotIndex === 0 ? 0 : 0.0015;
        shots.push({
          clientCaptureId: deriveClientCaptureId(options.seed, device.key, sceneKey, shotIndex),
          sceneKey,
          sceneIndex,
          deviceKey: device.key,
          modelKey: model.key,
          ...(burstId ? { burstId, burstIndex: shotIndex } : {}),
          shot: {
            offsetX: aimX + sceneRandom.normal(0, jitter),
            offsetY: aimY + sceneRandom.normal(0, jitter),
            zoom,
            noiseSeed: `${options.seed}|noise|${device.key}|${sceneKey}|${shotIndex}`,
          },
          capturedAt: new Date(state.clock + shotIndex * 1000).toISOString(),
        });
      }
      state.clock += (count - 1) * 1000;
    }
    if (sceneIndex >= fromScene) yield shots;
  }
}
