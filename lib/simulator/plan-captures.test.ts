import { describe, expect, it } from "vitest";
import { createFleet } from "./device-models";
import { deriveClientCaptureId, deriveUuid, planCaptures, planCapturesByScene, simulationStartTime } from "./plan-captures";

const sceneKeys = Array.from({ length: 40 }, (_, i) => `scene-${i + 1}`);
const fleet = createFleet({ seed: 1, devices: 8 });

describe("planCaptures", () => {
  it("is the same plan for the same seed and a different plan for another seed", () => {
    const plan = planCaptures({ seed: 1, fleet, sceneKeys });
    expect(planCaptures({ seed: 1, fleet, sceneKeys })).toEqual(plan);
    const other = planCaptures({ seed: 2, fleet: createFleet({ seed: 2, devices: 8 }), sceneKeys });
    expect(other.map((c) => c.clientCaptureId)).not.toEqual(plan.map((c) => c.clientCaptureId));
  });

  it("skips some scenes, shoots some bursts of three, and gives every capture a unique UUID", () => {
    const plan = planCaptures({ seed: 1, fleet, sceneKeys, skipProbability: 0.2, burstProbability: 0.15 });
    const pairs = new Set(plan.map((c) => `${c.deviceKey}|${c.sceneKey}`));
    const possible = 8 * sceneKeys.length;
    expect(pairs.size).toBeLessThan(possible * 0.92);
    expect(pairs.size).toBeGreaterThan(possible * 0.65);
    const bursts = new Map<string, number[]>();
    for (const capture of plan) if (capture.burstId) bursts.set(capture.burstId, [...(bursts.get(capture.burstId) ?? []), capture.burstIndex!]);
    expect(bursts.size).toBeGreaterThan(10);
    for (const indices of bursts.values()) expect(indices).toEqual([0, 1, 2]);
    expect(new Set(plan.map((c) => c.clientCaptureId)).size).toBe(plan.length);
    for (const capture of plan) expect(capture.clientCaptureId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("orders captures by scene, then device model and device, with each device's clock moving forward", () => {
    const plan = planCaptures({ seed: 3, fleet, sceneKeys });
    const order = (c: (typeof plan)[number]) => [c.sceneIndex, fleet.findIndex((m) => m.key === c.modelKey), Number(c.deviceKey.slice(1))];
    for (let i = 1; i < plan.length; i++) {
      const [a, b] = [order(plan[i - 1]!), order(plan[i]!)];
      expect(a[0]! < b[0]! || (a[0] === b[0] && (a[1]! < b[1]! || (a[1] === b[1] && a[2]! <= b[2]!)))).toBe(true);
    }
    for (const device of fleet.flatMap((m) => m.devices)) {
      const times = plan.filter((c) => c.deviceKey === device.key).map((c) => Date.parse(c.capturedAt));
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
      expect(times[0]!).toBeGreaterThanOrEqual(simulationStartTime(3));
    }
  });

  it("gives a burst's shots the same aim up to a small jitter and different noise", () => {
    const plan = planCaptures({ seed: 5, fleet, sceneKeys, burstProbability: 1 });
    const [a, b] = plan;
    expect(a!.burstId).toBe(b!.burstId);
    expect(Math.abs(a!.shot.offsetX - b!.shot.offsetX)).toBeLessThan(0.01);
    expect(a!.shot.noiseSeed).not.toBe(b!.shot.noiseSeed);
    expect(Date.parse(b!.capturedAt) - Date.parse(a!.capturedAt)).toBe(1000);
  });
});

describe("planCapturesByScene", () => {
  const options = { seed: 7, fleet, sceneKeys, skipProbability: 0.3, burstProbability: 0.4 };

  it("yields the plan one scene at a time, every scene, in order", () => {
    const scenes = [...planCapturesByScene(options)];
    expect(scenes).toHaveLength(sceneKeys.length);
    scenes.forEach((captures, index) => expect(captures.every((c) => c.sceneIndex === index)).toBe(true));
    expect(scenes.flat()).toEqual(planCaptures(options));
  });

  it("starts in the middle with the same clocks, aims and ids as the whole walk", () => {
    const whole = [...planCapturesByScene(options)];
    for (const fromScene of [1, 17, 39]) expect([...planCapturesByScene({ ...options, fromScene })]).toEqual(whole.slice(fromScene));
    expect([...planCapturesByScene({ ...options, fromScene: sceneKeys.length })]).toEqual([]);
  });

  it("names each capture with deriveClientCaptureId", () => {
    for (const capture of planCaptures(options)) expect(capture.clientCaptureId).toBe(deriveClientCaptureId(7, capture.deviceKey, capture.sceneKey, capture.burstIndex ?? 0));
  });
});

describe("deriveUuid", () => {
  it("is stable and distinct", () => {
    expect(deriveUuid("a")).toBe(deriveUuid("a"));
    expect(deriveUuid("a")).not.toBe(deriveUuid("b"));
    expect(new Set(Array.from({ length: 5000 }, (_, i) => deriveUuid(String(i)))).size).toBe(5000);
  });
});
