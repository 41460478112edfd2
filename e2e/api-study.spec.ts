// A whole study driven through the public API only, as an outside script and two phones would:
// create a study, add scenes, join two devices, upload captures (one with GPS), read everything back.
import exifr from "exifr";
import { expect, test } from "@playwright/test";
import { admin, bearer, createStudy, devicePrediction, joinStudy, makePhoto, newCaptureMeta, sha256, UA, uploadCapture } from "./support/ingest-api";

test("a study runs end to end through /api/v1", async ({ request }) => {
  // A researcher script creates the study and its scenes.
  const created = await createStudy(request, { description: "API suite", settings: { allowUnknownScenes: true } });
  expect(created.code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
  expect(created.joinUrl).toMatch(new RegExp(`/join/${created.code}$`));
  const scenes = await request.post(`/api/v1/studies/${created.id}/scenes`, { headers: admin, data: { scenes: [{ key: "patch-01", label: "dark skin" }, { key: "patch-02" }, { key: "patch-03", label: "not a label" }] } });
  expect(scenes.status()).toBe(200);
  expect((await scenes.json()).created).toBe(3);

  // Two phones read the consent text, then join.
  const preview = await request.get(`/api/v1/join/${created.code.toLowerCase()}`);
  expect(preview.status()).toBe(200);
  expect((await preview.json()).consentText).toMatch(/never keep your location/i);
  const pixel = await joinStudy(request, created.code, { "user-agent": UA.pixel, "sec-ch-ua-model": '"Pixel 7"', "sec-ch-ua-platform": '"Android"', "sec-ch-ua-mobile": "?1" }, {
    device: { userAgent: UA.pixel, clientHints: { model: "Pixel 7", platform: "Android", platformVersion: "14.0.0", mobile: true }, hardwareConcurrency: 8, screen: { width: 412, height: 915, devicePixelRatio: 2.6 } },
  });
  const iphone = await joinStudy(request, created.code, { "user-agent": UA.iphone });
  expect(pixel.study).toMatchObject({ id: created.id, consentText: expect.any(String), settings: expect.objectContaining({ allowUnknownScenes: true }) });
  expect(pixel.study.model.labels.length).toBeGreaterThan(1);
  const modelFile = await request.get(pixel.study.model.fileUrl);
  expect(modelFile.status()).toBe(200);
  expect(sha256(await modelFile.body())).toBe(pixel.study.model.sha256);

  // Uploads: the Pixel's photo carries GPS; the iPhone's EXIF names its model.
  const modelSha = pixel.study.model.sha256;
  const gpsPhoto = await makePhoto(1, { make: "Google", model: "Pixel 7", software: "HDR+", orientation: 1, gps: { latitude: 47.3769, longitude: 8.5417, altitude: 408 } });
  const uploads: Array<{ token: string; sceneKey: string; photo: Buffer; meta: Record<string, unknown> }> = [
    { token: pixel.deviceToken, sceneKey: "patch-01", photo: gpsPhoto, meta: {} },
    { token: pixel.deviceToken, sceneKey: "patch-02", photo: await makePhoto(2, { make: "Google", model: "Pixel 7" }), meta: { burstId: "b1", burstIndex: 0 } },
    { token: iphone.deviceToken, sceneKey: "patch-01", photo: await makePhoto(3, { make: "Apple", model: "iPhone 15 Pro", software: "17.5.1" }), meta: {} },
    { token: iphone.deviceToken, sceneKey: "new-scene", photo: await makePhoto(4, { make: "Apple", model: "iPhone 15 Pro" }), meta: { captureMethod: "live-camera" } },
  ];
  const stored: Array<{ id: string; clientCaptureId: string; sha256: string; originalSha256: string }> = [];
  for (const [index, upload] of uploads.entries()) {
    const meta = { ...newCaptureMeta(upload.sceneKey), studyId: created.id, capturedAt: new Date(Date.UTC(2026, 10, 20, 12, index)).toISOString(), predictions: [devicePrediction(modelSha, "dark skin", index)], ...upload.meta };
    const response = await uploadCapture(request, upload.token, { meta, image: upload.photo });
    expect(response.status(), await response.text()).toBe(201);
    // The small JSON reply is sent as is, though the client accepts gzip (no per-upload compression).
    expect(response.headers()["content-encoding"]).toBeUndefined();
    const body = await response.json();
    expect(body.duplicate).toBe(false);
    expect(body.capture).toMatchObject({ clientCaptureId: meta.clientCaptureId, sceneKey: upload.sceneKey, originalSha256: sha256(upload.photo), referenceStatus: expect.stringMatching(/pending|running|done/) });
    stored.push(body.capture);
    // The same upload again (a phone's retry) returns the stored capture.
    if (index === 0) {
      const retry = await uploadCapture(request, upload.token, { meta, image: upload.photo });
      expect(retry.status()).toBe(200);
      expect(await retry.json()).toMatchObject({ duplicate: true, capture: { id: body.capture.id } });
    }
  }

  // The researcher reads it all back.
  const study = await (await request.get(`/api/v1/studies/${created.id}`, { headers: admin })).json();
  expect(study.counts).toEqual({ scenes: 4, devices: 2, captures: 4 });
  const sceneList = await (await request.get(`/api/v1/studies/${created.id}/scenes`, { headers: admin })).json();
  expect(sceneList.scenes.map((s: { key: string; labelIndex: number | null }) => s.key)).toEqual(["patch-01", "patch-02", "patch-03", "new-scene"]);
  const devices = (await (await request.get(`/api/v1/studies/${created.id}/devices`, { headers: admin })).json()).devices;
  const byId = Object.fromEntries(devices.map((d: { id: string }) => [d.id, d]));
  expect(byId[pixel.deviceId]).toMatchObject({ deviceModelKey: "pixel-7", deviceModelSource: "exif", captures: 2, identity: { clientHints: { model: "Pixel 7", platform: "Android" }, exif: { make: "Google" }, hardwareConcurrency: 8 } });
  expect(byId[iphone.deviceId]).toMatchObject({ deviceModelKey: "iphone-15-pro", deviceModelSource: "exif", captures: 2 });

  // Captures, paged two at a time.
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await (await request.get(`/api/v1/studies/${created.id}/captures?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { headers: admin })).json();
    expect(page.items.length).toBeLessThanOrEqual(2);
    seen.push(...page.items.map((c: { id: string }) => c.id));
    cursor = page.nextCursor;
  } while (cursor);
  expect(seen.sort()).toEqual(stored.map((c) => c.id).sort());
  const filtered = await (await request.get(`/api/v1/studies/${created.id}/captures?deviceModelKey=iphone-15-pro`, { headers: admin })).json();
  expect(filtered.items).toHaveLength(2);

  // One capture, its image (GPS gone, Make/Model kept, hashes right), its predictions.
  const first = await (await request.get(`/api/v1/captures/${stored[0]!.id}`, { headers: admin })).json();
  expect(first).toMatchObject({ hadLocation: true, exif: { make: "Google", model: "Pixel 7" }, deviceModelKey: "pixel-7", predictions: expect.arrayContaining([expect.objectContaining({ source: "device", backend: "wasm" })]) });
  const image = await request.get(`/api/v1/captures/${stored[0]!.id}/image`, { headers: admin });
  expect(image.status()).toBe(200);
  expect(image.headers()["content-type"]).toBe("image/jpeg");
  const bytes = await image.body();
  expect(sha256(bytes)).toBe(first.sha256);
  expect(bytes.length).toBe(gpsPhoto.length);
  expect(await exifr.gps(bytes)).toBeUndefined();
  expect(await exifr.parse(bytes, ["Make", "Model"])).toMatchObject({ Make: "Google", Model: "Pixel 7" });
  const predictions = await (await request.get(`/api/v1/studies/${created.id}/predictions?source=device`, { headers: admin })).json();
  expect(predictions.items).toHaveLength(4);
  expect(predictions.items[0]).toMatchObject({ sceneKey: expect.any(String), deviceModelKey: expect.any(String), source: "device" });

  // Each phone sees its own captures only.
  const mine = await (await request.get("/api/v1/devices/me/captures", { headers: bearer(iphone.deviceToken) })).json();
  expect(mine.items.map((c: { deviceId: string }) => c.deviceId)).toEqual([iphone.deviceId, iphone.deviceId]);
  const me = await (await request.get("/api/v1/devices/me", { headers: bearer(pixel.deviceToken) })).json();
  expect(me).toMatchObject({ device: { id: pixel.deviceId, deviceModelKey: "pixel-7" }, study: { id: created.id } });

  // Closing the study stops joins and uploads with a clear 410.
  const closed = await request.patch(`/api/v1/studies/${created.id}`, { headers: admin, data: { status: "closed" } });
  expect((await closed.json()).status).toBe("closed");
  expect((await request.post(`/api/v1/join/${created.code}`, { data: {} })).status()).toBe(410);
  const late = await uploadCapture(request, pixel.deviceToken, { meta: newCaptureMeta("patch-01"), image: gpsPhoto });
  expect(late.status()).toBe(410);
  expect((await late.json()).error.code).toBe("gone");
});

test("the OpenAPI document lists the endpoints with their schemas", async ({ request }) => {
  const response = await request.get("/api/v1/openapi.json");
  expect(response.status()).toBe(200);
  const doc = await response.json();
  expect(doc.openapi).toBe("3.1.0");
  for (const [path, method] of [
    ["/api/v1/studies", "post"],
    ["/api/v1/studies/{id}", "get"],
    ["/api/v1/studies/{id}/scenes", "post"],
    ["/api/v1/join/{code}", "post"],
    ["/api/v1/captures", "post"],
  ] as const) {
    expect(doc.paths[path]?.[method], `${method} ${path}`).toBeTruthy();
  }
  const unknown = await request.get("/api/v1/no-such-thing");
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe("not_found");
});
