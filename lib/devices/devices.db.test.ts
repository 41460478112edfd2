import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { createStudy } from "@/lib/studies/create-study";
import { insertTestModel } from "@/lib/studies/test-fixtures";
import { updateStudy } from "@/lib/studies/update-study";
import { readClientHintHeaders } from "./device-info";
import { joinStudy } from "./join-study";
import { updateDeviceIdentity } from "./update-device-identity";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertTestModel(db.prisma);
});
afterAll(async () => {
  await db?.close();
});

const ANDROID_UA = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";

describe("joining and identifying devices", () => {
  it("joins with the page's info and the request's Client Hints headers; the study comes with its model", async () => {
    const study = await createStudy(db.prisma, { name: "join" });
    const headers = new Headers({ "sec-ch-ua-model": '"Pixel 7"', "sec-ch-ua-platform": '"Android"', "sec-ch-ua-mobile": "?1" });
    const joined = await joinStudy(
      db.prisma,
      study.code,
      { device: { userAgent: ANDROID_UA, hardwareConcurrency: 8, screen: { width: 412, height: 915, devicePixelRatio: 2.625 }, webgpu: { available: true, vendor: "qualcomm", architecture: "adreno-7xx" }, ort: { version: "1.30.0", bundle: "wasm" } } },
      { userAgent: "ignored when the page sends one", clientHints: readClientHintHeaders(headers) },
    );
    expect(joined.study).toMatchObject({ id: study.id, name: "join", consentText: study.consentText, settings: { allowUnknownScenes: true } });
    expect(joined.study.model).toMatchObject({ labels: ["red", "green", "blue"], numClasses: 3 });
    expect(joined.study.model.fileUrl).toContain(joined.study.model.sha256);
    const device = await db.prisma.device.findUniqueOrThrow({ where: { id: joined.deviceId } });
    expect(device).toMatchObject({
      deviceModelKey: "pixel-7",
      deviceModelSource: "client-hints",
      uaModel: "Pixel 7",
      uaPlatform: "Android",
      uaMobile: true,
      userAgent: ANDROID_UA,
      hardwareConcurrency: 8,
      screenWidth: 412,
      gpuVendor: "qualcomm",
      ortVersion: "1.30.0",
    });
    expect(device.tokenHash).not.toBe(joined.deviceToken);
  });

  it("a closed study refuses new devices", async () => {
    const study = await createStudy(db.prisma, { name: "closed" });
    await updateStudy(db.prisma, study.id, { status: "closed" });
    await expect(joinStudy(db.prisma, study.code, {})).rejects.toMatchObject({ code: "gone" });
  });

  it("when EXIF changes the device's key, its captures follow in the same transaction", async () => {
    const study = await createStudy(db.prisma, { name: "exif" });
    const joined = await joinStudy(db.prisma, study.code, {}, { userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15" });
    const scene = await db.prisma.scene.create({ data: { studyId: study.id, key: "s" } });
    const device = await db.prisma.device.findUniqueOrThrow({ where: { id: joined.deviceId } });
    expect(device.deviceModelKey).toBe("iphone");
    await db.prisma.capture.create({
      data: { studyId: study.id, clientCaptureId: "c1", sceneId: scene.id, deviceId: device.id, deviceModelKey: device.deviceModelKey, captureMethod: "live-camera", blobKey: "0".repeat(64), sha256: "0".repeat(64), originalSha256: "0".repeat(64), sizeBytes: 1, width: 1, height: 1, mime: "image/jpeg" },
    });
    await db.prisma.$transaction(async (tx) => {
      await updateDeviceIdentity(tx, device, { exif: { make: "Apple", model: "iPhone 15 Pro", software: "17.5.1" } });
    });
    const after = await db.prisma.device.findUniqueOrThrow({ where: { id: device.id } });
    expect(after).toMatchObject({ deviceModelKey: "iphone-15-pro", deviceModelSource: "exif", exifMake: "Apple", exifSoftware: "17.5.1" });
    expect((await db.prisma.capture.findFirstOrThrow({ where: { deviceId: device.id } })).deviceModelKey).toBe("iphone-15-pro");
  });
});
