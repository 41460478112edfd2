// Display mode on the database: publishing the monitor's scene (only a scene of the study), what
// phones and the display page read back with live counts, per-scene coverage by device model, and
// a phone correcting the scene of its own capture (never another phone's).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { addScenes } from "@/lib/studies/add-scenes";
import { createStudy } from "@/lib/studies/create-study";
import { insertTestModel } from "@/lib/studies/test-fixtures";
import { correctCaptureScene } from "./correct-capture-scene";
import { getDisplayState, getFollowedScene, onDisplayPublished, publishDisplayScene } from "./display-state";
import { getSceneCoverage } from "./scene-coverage";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertTestModel(db.prisma);
}, 60_000);
afterAll(async () => {
  await db?.close();
});

async function addDevice(studyId: string, deviceModelKey: string) {
  return db.prisma.device.create({ data: { studyId, tokenHash: randomUUID(), deviceModelKey } });
}

async function addCapture(studyId: string, sceneKey: string, device: { id: string; deviceModelKey: string }) {
  const scene = await db.prisma.scene.findUniqueOrThrow({ where: { studyId_key: { studyId, key: sceneKey } } });
  const clientCaptureId = randomUUID();
  await db.prisma.capture.create({
    data: {
      studyId,
      clientCaptureId,
      sceneId: scene.id,
      deviceId: device.id,
      deviceModelKey: device.deviceModelKey,
      captureMethod: "native-camera",
      blobKey: "b".repeat(64),
      sha256: "b".repeat(64),
      originalSha256: "b".repeat(64),
      sizeBytes: 10,
      width: 4,
      height: 3,
      mime: "image/jpeg",
    },
  });
  return clientCaptureId;
}

describe("display state", () => {
  it("publishes a scene of the study, announces it, and reads it back with live counts", async () => {
    const study = await createStudy(db.prisma, { name: "display" });
    await addScenes(db.prisma, study.id, [{ key: "s1" }, { key: "s2" }]);
    expect(await getFollowedScene(db.prisma, study.id)).toEqual({ studyId: study.id, sceneKey: null, updatedAt: null });
    await expect(publishDisplayScene(db.prisma, study.id, "nope")).rejects.toMatchObject({ code: "not_found" });

    let announced = 0;
    const off = onDisplayPublished(study.id, () => announced++);
    const state = await publishDisplayScene(db.prisma, study.id, "s2");
    off();
    expect(announced).toBe(1);
    expect(state).toMatchObject({ sceneKey: "s2", studyCode: study.code, current: { devices: 0, deviceModels: 0, captures: 0 } });
    expect(state.scenes.map((scene) => [scene.key, scene.stimulusUrl])).toEqual([
      ["s1", null],
      ["s2", null],
    ]);
    expect((await getFollowedScene(db.prisma, study.id)).sceneKey).toBe("s2");

    const pixel = await addDevice(study.id, "pixel-7");
    const iphone = await addDevice(study.id, "iphone");
    await addCapture(study.id, "s2", pixel);
    await addCapture(study.id, "s2", pixel);
    await addCapture(study.id, "s2", iphone);
    await addCapture(study.id, "s1", iphone);
    expect((await getDisplayState(db.prisma, study.id)).current).toEqual({ devices: 2, deviceModels: 2, captures: 3 });
  });

  it("reports per-scene coverage by device model against a target", async () => {
    const study = await createStudy(db.prisma, { name: "coverage" });
    await addScenes(db.prisma, study.id, [{ key: "a" }, { key: "b" }, { key: "c" }]);
    const devices = await Promise.all(["pixel-7", "iphone", "galaxy-s23"].map((key) => addDevice(study.id, key)));
    for (const device of devices) await addCapture(study.id, "a", device);
    await addCapture(study.id, "b", devices[0]!);
    await addCapture(study.id, "b", devices[0]!);
    await addCapture(study.id, "b", devices[1]!);

    const report = await getSceneCoverage(db.prisma, study.id, 2);
    expect(report.coveredScenes).toBe(2);
    expect(report.deviceModels).toEqual(["galaxy-s23", "iphone", "pixel-7"]);
    const byKey = Object.fromEntries(report.scenes.map((scene) => [scene.key, scene]));
    expect(byKey.a).toMatchObject({ captures: 3, devices: 3, isCovered: true });
    expect(byKey.b!.deviceModels).toEqual([
      { key: "pixel-7", captures: 2 },
      { key: "iphone", captures: 1 },
    ]);
    expect(byKey.c).toMatchObject({ captures: 0, devices: 0, deviceModels: [], isCovered: false, lastCaptureAt: null });
    expect((await getSceneCoverage(db.prisma, study.id, 3)).coveredScenes).toBe(1);
  });

  it("lets a phone move its own capture to another scene, not another phone's", async () => {
    const study = await createStudy(db.prisma, { name: "correction" });
    await addScenes(db.prisma, study.id, [{ key: "right" }, { key: "wrong" }]);
    const mine = await addDevice(study.id, "pixel-7");
    const other = await addDevice(study.id, "iphone");
    const clientCaptureId = await addCapture(study.id, "wrong", mine);
    await expect(correctCaptureScene(db.prisma, { studyId: study.id, deviceId: other.id, clientCaptureId, sceneKey: "right" })).rejects.toMatchObject({ code: "not_found" });
    await correctCaptureScene(db.prisma, { studyId: study.id, deviceId: mine.id, clientCaptureId, sceneKey: "right" });
    const moved = await db.prisma.capture.findFirstOrThrow({ where: { clientCaptureId }, include: { scene: true } });
    expect(moved.scene.key).toBe("right");
    // An unknown key becomes a new scene when the study allows it.
    await correctCaptureScene(db.prisma, { studyId: study.id, deviceId: mine.id, clientCaptureId, sceneKey: "brand-new" });
    expect(await db.prisma.scene.count({ where: { studyId: study.id, key: "brand-new" } })).toBe(1);
  });
});
