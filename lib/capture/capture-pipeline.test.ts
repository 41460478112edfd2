import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { beforeEach, describe, expect, it } from "vitest";
import { captureMetaSchema } from "@/lib/captures/capture-schemas";
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import { CaptureOutbox } from "./capture-outbox";
import { finishCapture, recordCapture, sniffImageType, type PipelineDependencies } from "./capture-pipeline";

const ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7, 0xff, 0xd9]);
const prediction: PredictionPayload = {
  source: "device",
  variant: "original",
  backend: "wasm",
  runtime: "onnxruntime-web",
  modelSha256: "a".repeat(64),
  preprocessingId: "pp",
  tensorSha256: "b".repeat(64),
  top: [{ index: 1, label: "orange", prob: 0.9 }],
  timings: { inferenceMs: 3 },
};

describe("capture pipeline", () => {
  let outbox: CaptureOutbox;
  let deps: PipelineDependencies;
  let classified: ArrayBuffer[];
  beforeEach(async () => {
    outbox = await CaptureOutbox.open("t", new IDBFactory());
    classified = [];
    deps = {
      outbox,
      classify: async (image) => {
        classified.push(image);
        return { prediction };
      },
      deviceInfo: () => ({ userAgent: "UA", hardwareConcurrency: 4 }),
      holder: "tab-1",
      now: () => new Date("2026-01-02T03:04:05.000Z"),
      randomId: () => ID,
    };
  });

  it("stores the untouched photo, held, before classifying; releases it with the prediction", async () => {
    const recorded = await recordCapture(deps, { image: new Blob([jpeg]), studyId: "s1", sceneKey: "scene-1", method: "native-camera" });
    const stored = await outbox.get(ID);
    expect(stored).toMatchObject({ held: true, heldBy: "tab-1", imageType: "image/jpeg", imageName: `${ID}.jpg`, studyId: "s1" });
    expect(new Uint8Array(stored!.image)).toEqual(jpeg);
    expect(classified).toHaveLength(0);

    const finished = await finishCapture(deps, recorded);
    expect(finished.prediction).toEqual(prediction);
    const released = await outbox.get(ID);
    expect(released!.held).toBeUndefined();
    expect(new Uint8Array(released!.image)).toEqual(jpeg);
    const meta = captureMetaSchema.parse(released!.meta);
    expect(meta).toMatchObject({
      clientCaptureId: ID,
      studyId: "s1",
      sceneKey: "scene-1",
      captureMethod: "native-camera",
      capturedAt: "2026-01-02T03:04:05.000Z",
      device: { userAgent: "UA", hardwareConcurrency: 4 },
      predictions: [prediction],
    });
  });

  it("records burst shots with their shared burst id and index", async () => {
    const shotAt = new Date("2026-01-02T03:04:01.250Z");
    const recorded = await recordCapture(deps, { image: new Blob([jpeg]), studyId: "s1", sceneKey: "k", method: "live-camera", burst: { id: "burst-1", index: 2 }, capturedAt: shotAt });
    expect(recorded.meta).toMatchObject({ burstId: "burst-1", burstIndex: 2, captureMethod: "live-camera", capturedAt: "2026-01-02T03:04:01.250Z" });
  });

  it("still releases the photo (without predictions) when classification fails", async () => {
    deps.classify = async () => {
      throw new Error("cannot decode HEIC");
    };
    const recorded = await recordCapture(deps, { image: new Blob([jpeg]), studyId: "s1", sceneKey: "k", method: "gallery" });
    const finished = await finishCapture(deps, recorded);
    expect(finished.classifyError).toBe("cannot decode HEIC");
    const released = await outbox.get(ID);
    expect(released!.held).toBeUndefined();
    expect((released!.meta as { predictions: unknown[] }).predictions).toEqual([]);
  });

  it("takes a scene key read from the photo over the typed one", async () => {
    deps.detectScene = async () => "from-qr";
    const recorded = await recordCapture(deps, { image: new Blob([jpeg]), studyId: "s1", sceneKey: "typed", method: "native-camera" });
    const finished = await finishCapture(deps, recorded);
    expect(finished.detectedSceneKey).toBe("from-qr");
    expect(((await outbox.get(ID))!.meta as { sceneKey: string }).sceneKey).toBe("from-qr");
  });

  it("finishes a capture a closed tab left held", async () => {
    await recordCapture({ ...deps, holder: "gone" }, { image: new Blob([jpeg]), studyId: "s1", sceneKey: "k", method: "native-camera" });
    const [abandoned] = await outbox.listAbandonedHeld({ olderThanMs: 60_000, liveHolders: new Set(["tab-1"]) });
    await finishCapture(deps, abandoned!);
    expect((await outbox.get(ID))!.held).toBeUndefined();
    expect(new Uint8Array(classified[0]!)).toEqual(jpeg);
  });

  it.each([
    [[0xff, 0xd8, 0xff, 0xe1], "", "image/jpeg"],
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a], "", "image/png"],
    [[...Buffer.from("RIFF"), 0, 0, 0, 0, ...Buffer.from("WEBP")], "", "image/webp"],
    [[0, 0, 0, 0x18, ...Buffer.from("ftypheic")], "", "image/heic"],
    [[1, 2, 3], "image/x-odd", "image/x-odd"],
  ])("sniffs the image type of %j", (bytes, declared, expected) => {
    expect(sniffImageType(new Uint8Array(bytes), declared)).toBe(expected);
  });

  it("takes the scene from the photo's QR code and classifies the rectified stimulus as a second variant", async () => {
    const crop = new Uint8Array([0x89, 0x50, 0x4e, 0x47]).buffer;
    const variants: (string | undefined)[] = [];
    const withDisplay: PipelineDependencies = {
      ...deps,
      classify: async (image, options) => {
        variants.push(options?.variant);
        return { prediction: { ...prediction, variant: options?.variant ?? "original" } };
      },
      detectScene: async () => ({ sceneKey: "stim-07", detection: { fitErrorPx: 0.4 }, rectified: crop }),
    };
    const recorded = await recordCapture(withDisplay, { image: new Blob([jpeg]), studyId: "s1", sceneKey: "typed", method: "native-camera" });
    const finished = await finishCapture(withDisplay, recorded);
    expect(finished.detectedSceneKey).toBe("stim-07");
    expect(finished.sceneDetection).toEqual({ sceneKey: "stim-07", detection: { fitErrorPx: 0.4 } });
    expect(variants).toEqual([undefined, "rectified"]);
    const meta = captureMetaSchema.parse((await outbox.get(ID))!.meta);
    expect(meta.sceneKey).toBe("stim-07");
    expect(meta.predictions.map((p) => p.variant)).toEqual(["original", "rectified"]);
    // Not a valid detection record: dropped from the upload, the photo and predictions stay.
    expect(meta.sceneDetection).toBeUndefined();
  });

  it("keeps the typed key when the detector finds nothing, fails, or reads an unusable key", async () => {
    for (const detectScene of [async () => undefined, async () => Promise.reject(new Error("no wasm")), async () => ({ sceneKey: "../etc" })]) {
      const local: PipelineDependencies = { ...deps, detectScene, randomId: () => crypto.randomUUID() };
      const recorded = await recordCapture(local, { image: new Blob([jpeg]), studyId: "s1", sceneKey: "typed", method: "native-camera" });
      const finished = await finishCapture(local, recorded);
      expect(finished.meta.sceneKey).toBe("typed");
      expect(finished.sceneDetection).toBeUndefined();
    }
  });
});
