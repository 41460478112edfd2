// Bad input of every kind gets a 4xx JSON error with a code, writes nothing (row counts and the
// blob directory unchanged after each case) and leaves the server serving.
import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { pngChunk } from "@/lib/captures/testing/build-exif";
import { admin, bearer, blobFiles, createStudy, devicePrediction, joinStudy, makePhoto, newCaptureMeta, storedState, uploadCapture, waitForQuietStorage } from "./support/ingest-api";

type Case = { name: string; status: number; code: string; run: (request: APIRequestContext) => Promise<APIResponse> };

function comparable(state: Awaited<ReturnType<typeof storedState>>) {
  // Reference predictions are added by the background worker on its own schedule: not a write of these requests.
  const { Prediction: _all, "Prediction.reference": _reference, ...rows } = state.rows;
  return { rows, blobs: state.blobs };
}

test("bad input gets 4xx JSON errors and changes nothing", async ({ request }) => {
  test.setTimeout(240_000);
  // Setup: a strict study, devices in it and in another study, a stored capture, spent tokens.
  const strict = await createStudy(request, { settings: { allowUnknownScenes: false, allowGallery: false } });
  const other = await createStudy(request);
  await request.post(`/api/v1/studies/${strict.id}/scenes`, { headers: admin, data: [{ key: "known" }] });
  const device = await joinStudy(request, strict.code);
  const neighbour = await joinStudy(request, strict.code);
  const stranger = await joinStudy(request, other.code);
  const photo = await makePhoto(7, { make: "Google", model: "Pixel 7", gps: { latitude: 1, longitude: 2 } });
  const storedMeta = newCaptureMeta("known");
  expect((await uploadCapture(request, device.deviceToken, { meta: storedMeta, image: photo })).status()).toBe(201);
  const revoked = await (await request.post("/api/v1/tokens", { headers: admin, data: { name: "to revoke" } })).json();
  await request.delete(`/api/v1/tokens/${revoked.id}`, { headers: admin });
  const expiring = await (await request.post("/api/v1/tokens", { headers: admin, data: { name: "short", expiresInSeconds: 1 } })).json();
  await new Promise((resolve) => setTimeout(resolve, 1500));

  const modelSha = device.study.model.sha256;
  const good = () => newCaptureMeta("known", { predictions: [devicePrediction(modelSha)] });
  const upload = (request: APIRequestContext, meta: unknown, image: Buffer | null = photo, token = device.deviceToken, imageType = "image/jpeg") =>
    uploadCapture(request, token, { meta: meta as Record<string, unknown> | string, image: image ?? undefined, imageType });
  const rawUpload = (request: APIRequestContext, body: Buffer, contentType: string) =>
    request.post("/api/v1/captures", { headers: { ...bearer(device.deviceToken), "content-type": contentType }, data: body });

  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const pngBomb = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", ihdr), pngChunk("IDAT", Buffer.alloc(64)), pngChunk("IEND", Buffer.alloc(0))]);
  const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypheic\0\0\0\0mif1heic", "latin1"), Buffer.alloc(256)]);
  const webp = await (await import("sharp")).default(Buffer.alloc(32 * 32 * 3, 90), { raw: { width: 32, height: 32, channels: 3 } }).webp().toBuffer();
  const boundary = "----parallaxE2E";
  const handMade = (parts: string) => Buffer.from(parts.replaceAll("\n", "\r\n"), "utf8");

  const cases: Case[] = [
    { name: "non-image bytes named .jpg", status: 415, code: "unsupported_media_type", run: (r) => upload(r, good(), Buffer.from("<html>definitely not a photo</html>")) },
    { name: "truncated JPEG", status: 422, code: "unprocessable", run: (r) => upload(r, good(), photo.subarray(0, Math.floor(photo.length / 2))) },
    { name: "a PNG that claims 100 000 × 100 000 pixels", status: 413, code: "payload_too_large", run: (r) => upload(r, good(), pngBomb, device.deviceToken, "image/png") },
    { name: "HEIC", status: 415, code: "unsupported_media_type", run: (r) => upload(r, good(), heic, device.deviceToken, "image/heic") },
    { name: "GIF", status: 415, code: "unsupported_media_type", run: (r) => upload(r, good(), Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"), device.deviceToken, "image/gif") },
    { name: "truncated WebP", status: 422, code: "unprocessable", run: (r) => upload(r, good(), webp.subarray(0, webp.length - 20), device.deviceToken, "image/webp") },
    { name: "empty image", status: 400, code: "bad_request", run: (r) => upload(r, good(), Buffer.alloc(0)) },
    { name: "empty body", status: 400, code: "bad_request", run: (r) => rawUpload(r, Buffer.alloc(0), `multipart/form-data; boundary=${boundary}`) },
    { name: "30 MB body", status: 413, code: "payload_too_large", run: (r) => upload(r, good(), Buffer.concat([photo, Buffer.alloc(30 * 1024 * 1024)])) },
    { name: "not multipart", status: 415, code: "unsupported_media_type", run: (r) => r.post("/api/v1/captures", { headers: bearer(device.deviceToken), data: good() }) },
    { name: "malformed multipart", status: 400, code: "bad_request", run: (r) => rawUpload(r, handMade(`--${boundary}\nContent-Disposition: form-data; name="meta"\n\n${JSON.stringify(good())}\n--${boundary}`), `multipart/form-data; boundary=${boundary}`) },
    { name: "malformed JSON meta", status: 400, code: "bad_request", run: (r) => upload(r, "{not json") },
    { name: "wrong types", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), captureMethod: 5, burstIndex: "first" }) },
    { name: "unknown extra field", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), gps: { lat: 1 } }) },
    { name: "missing clientCaptureId", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), clientCaptureId: undefined }) },
    { name: "clientCaptureId not a UUID", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), clientCaptureId: "1; DROP TABLE captures" }) },
    { name: "path-like scene key", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), sceneKey: "../../etc/passwd" }) },
    { name: "scene key with a slash", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), sceneKey: "a/b" }) },
    { name: "very long scene key", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), sceneKey: "k".repeat(10_000) }) },
    { name: "SQL-like scene key", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), sceneKey: `x'; DROP TABLE "Capture"; --` }) },
    { name: "unicode scene key", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), sceneKey: "场景-1" }) },
    { name: "NUL in a label", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), predictions: [{ ...devicePrediction(modelSha), top: [{ index: 0, label: "a\u0000b", prob: 1 }] }] }) },
    { name: "unpaired surrogate", status: 400, code: "validation_failed", run: (r) => upload(r, `{"clientCaptureId":"${randomUUID()}","sceneKey":"known","captureMethod":"native-camera","device":{"language":"\\ud800"}}`) },
    { name: "very long device string", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), device: { userAgent: "x".repeat(100_000) } }) },
    { name: "probability above 1", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), predictions: [{ ...devicePrediction(modelSha), top: [{ index: 0, label: "a", prob: 1.5 }] }] }) },
    { name: "a phone claiming a reference prediction", status: 400, code: "validation_failed", run: (r) => upload(r, { ...good(), predictions: [{ ...devicePrediction(modelSha), source: "reference" }] }) },
    { name: "image before meta", status: 400, code: "bad_request", run: (r) => rawUpload(r, handMade(`--${boundary}\nContent-Disposition: form-data; name="image"; filename="a.jpg"\nContent-Type: image/jpeg\n\nxx\n--${boundary}\nContent-Disposition: form-data; name="meta"\n\n{}\n--${boundary}--\n`), `multipart/form-data; boundary=${boundary}`) },
    { name: "image missing", status: 400, code: "bad_request", run: (r) => upload(r, good(), null) },
    { name: "a third part after the image", status: 400, code: "bad_request", run: (r) => r.post("/api/v1/captures", { headers: bearer(device.deviceToken), multipart: { meta: JSON.stringify(good()), image: { name: "a.jpg", mimeType: "image/jpeg", buffer: photo }, extra: "x" } }) },
    { name: "unknown scene in a strict study", status: 422, code: "unprocessable", run: (r) => upload(r, { ...good(), sceneKey: "not-there" }) },
    { name: "gallery photo where the study forbids it", status: 403, code: "forbidden", run: (r) => upload(r, { ...good(), captureMethod: "gallery" }) },
    { name: "clientCaptureId of another device", status: 409, code: "conflict", run: (r) => upload(r, { ...good(), clientCaptureId: storedMeta.clientCaptureId }, photo, neighbour.deviceToken) },
    { name: "a device token of another study", status: 403, code: "forbidden", run: (r) => upload(r, { ...good(), studyId: strict.id }, photo, stranger.deviceToken) },
    { name: "a forged device token", status: 401, code: "unauthorized", run: (r) => upload(r, good(), photo, "pxd_forged") },
    { name: "no credentials", status: 401, code: "unauthorized", run: (r) => r.post("/api/v1/captures", { multipart: { meta: JSON.stringify(good()), image: { name: "a.jpg", mimeType: "image/jpeg", buffer: photo } } }) },
    { name: "a researcher token uploading", status: 403, code: "forbidden", run: (r) => r.post("/api/v1/captures", { headers: admin, multipart: { meta: JSON.stringify(good()), image: { name: "a.jpg", mimeType: "image/jpeg", buffer: photo } } }) },
    { name: "unknown join code", status: 404, code: "not_found", run: (r) => r.post("/api/v1/join/ZZZZZZ", { data: {} }) },
    { name: "SQL-like join code", status: 404, code: "not_found", run: (r) => r.post(`/api/v1/join/${encodeURIComponent("' OR 1=1 --")}`, { data: {} }) },
    { name: "join with unknown fields", status: 400, code: "validation_failed", run: (r) => r.post(`/api/v1/join/${strict.code}`, { data: { device: { userAgent: "x" }, admin: true } }) },
    { name: "revoked API token", status: 401, code: "unauthorized", run: (r) => r.post("/api/v1/studies", { headers: bearer(revoked.token), data: { name: "x" } }) },
    { name: "expired API token", status: 401, code: "unauthorized", run: (r) => r.post("/api/v1/studies", { headers: bearer(expiring.token), data: { name: "x" } }) },
    { name: "study: malformed JSON", status: 400, code: "bad_request", run: (r) => r.post("/api/v1/studies", { headers: { ...admin, "content-type": "application/json" }, data: Buffer.from('{"name": "x",') }) },
    { name: "study: text/plain body", status: 415, code: "unsupported_media_type", run: (r) => r.post("/api/v1/studies", { headers: { ...admin, "content-type": "text/plain" }, data: Buffer.from("name=x") }) },
    { name: "study: extra field", status: 400, code: "validation_failed", run: (r) => r.post("/api/v1/studies", { headers: admin, data: { name: "x", owner: "me" } }) },
    { name: "study: very long name", status: 400, code: "validation_failed", run: (r) => r.post("/api/v1/studies", { headers: admin, data: { name: "n".repeat(100_000) } }) },
    { name: "study: unknown model", status: 422, code: "unprocessable", run: (r) => r.post("/api/v1/studies", { headers: admin, data: { name: "x", modelId: "no-such-model" } }) },
    { name: "scenes: duplicate keys", status: 400, code: "validation_failed", run: (r) => r.post(`/api/v1/studies/${strict.id}/scenes`, { headers: admin, data: [{ key: "d" }, { key: "d" }] }) },
    { name: "scenes: unknown study", status: 404, code: "not_found", run: (r) => r.post(`/api/v1/studies/${randomUUID()}/scenes`, { headers: admin, data: [{ key: "d" }] }) },
    { name: "captures: invalid cursor", status: 400, code: "validation_failed", run: (r) => r.get(`/api/v1/studies/${strict.id}/captures?cursor=%25%25%25`, { headers: admin }) },
    { name: "captures: limit out of range", status: 400, code: "validation_failed", run: (r) => r.get(`/api/v1/studies/${strict.id}/captures?limit=100000`, { headers: admin }) },
    { name: "SQL-like capture id", status: 404, code: "not_found", run: (r) => r.get(`/api/v1/captures/${encodeURIComponent("' OR '1'='1")}`, { headers: admin }) },
  ];
  expect(cases.length).toBeGreaterThanOrEqual(30);

  const before = comparable(await waitForQuietStorage(request));
  const filesBefore = blobFiles();
  for (const item of cases) {
    await test.step(item.name, async () => {
      const response = await item.run(request);
      const text = await response.text();
      expect(response.status(), `${item.name}: ${text.slice(0, 300)}`).toBe(item.status);
      expect(response.headers()["content-type"]).toContain("application/json");
      const body = JSON.parse(text);
      expect(body.error.code, item.name).toBe(item.code);
      expect(typeof body.error.message).toBe("string");
      expect(comparable(await storedState(request)), `${item.name} wrote something`).toEqual(before);
      expect(blobFiles(), `${item.name} touched the blob directory`).toEqual(filesBefore);
    });
  }

  // Still serving: health is fine and a good upload works.
  expect((await request.get("/api/health")).status()).toBe(200);
  expect((await upload(request, good())).status()).toBe(201);
});
