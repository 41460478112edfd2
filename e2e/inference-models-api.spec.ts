// The models API as scripts and the researcher UI use it: researchers only, clear refusals, and
// model files at immutable content-hashed URLs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "../playwright.config";

const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const fixtures = path.resolve(process.cwd(), "lib/models/test-fixtures");
const tenLabels = Array.from({ length: 10 }, (_, i) => `class ${i}`).join("\n");

test("listing and adding models needs a researcher", async ({ request }) => {
  expect((await request.get("/api/v1/models")).status()).toBe(401);
  const list = await request.get("/api/v1/models", { headers: auth });
  expect(list.status()).toBe(200);
  const { models } = (await list.json()) as { models: { source: string; fileUrl: string; preprocessingId: string }[] };
  const builtin = models.find((m) => m.source === "builtin:colorchecker")!;
  expect(builtin.fileUrl).toMatch(/^\/m\/[0-9a-f]{64}\.onnx$/);
  expect(builtin.preprocessingId).toMatch(/^parallax-v1;/);
});

test("an upload that is not a valid model is refused with a sentence naming the problem", async ({ request }) => {
  const post = (file: Buffer, labels: string) =>
    request.post("/api/v1/models", {
      headers: auth,
      multipart: { file: { name: "m.onnx", mimeType: "application/octet-stream", buffer: file }, labels, name: "Test", preset: "generic" },
    });
  const notOnnx = await post(Buffer.from("hello, not a model"), tenLabels);
  expect(notOnnx.status()).toBe(422);
  expect((await notOnnx.json()).error).toMatchObject({ code: "unprocessable", details: { reason: "not_onnx" } });
  const mismatch = await post(readFileSync(path.join(fixtures, "tiny-classifier-10.onnx")), "a\nb\nc");
  expect(mismatch.status()).toBe(422);
  expect((await mismatch.json()).error.message).toBe('The model\'s output "scores" has 10 scores but 3 labels were given; they must match one to one.');
  const unsupported = await post(readFileSync(path.join(fixtures, "int64-input.onnx")), tenLabels);
  expect((await unsupported.json()).error.message).toBe('Unsupported input: "token_ids" is an int64 tensor; Parallax feeds a float32 image tensor.');
});

test("a valid model is added once and served at its immutable content-hashed URL", async ({ request }) => {
  const bytes = readFileSync(path.join(fixtures, "tiny-classifier-10.onnx"));
  const upload = () =>
    request.post("/api/v1/models", {
      headers: auth,
      multipart: { file: { name: "tiny.onnx", mimeType: "application/octet-stream", buffer: bytes }, labels: tenLabels, name: "Tiny", preset: "generic", topK: "3" },
    });
  const first = await upload();
  expect(first.status()).toBe(201);
  const { model } = (await first.json()) as { model: { id: string; sha256: string; fileUrl: string; gzipFileUrl: string; inputWidth: number; topK: number } };
  expect(model).toMatchObject({ inputWidth: 8, topK: 3 });
  expect((await upload()).status()).toBe(200);

  const file = await request.get(model.fileUrl);
  expect(file.status()).toBe(200);
  expect(file.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(Buffer.from(await file.body()).equals(bytes)).toBe(true);
  const etag = file.headers()["etag"]!;
  expect((await request.get(model.fileUrl, { headers: { "If-None-Match": etag } })).status()).toBe(304);
  const byId = await request.get(`/api/v1/models/${model.id}/file?v=${model.sha256.slice(0, 16)}`);
  expect(byId.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect((await request.get(`/m/${"0".repeat(64)}.onnx`)).status()).toBe(404);

  // The gzip copy phones download: through the real server (Next.js must not drop its headers).
  expect(model.gzipFileUrl).toBe(`${model.fileUrl}.gz`);
  const gzip = await request.get(model.gzipFileUrl, { headers: { "Accept-Encoding": "identity" } });
  expect(gzip.status()).toBe(200);
  const gzipBytes = Buffer.from(await gzip.body());
  expect(gunzipSync(gzipBytes).equals(bytes)).toBe(true);
  expect(gzip.headers()).toMatchObject({
    "content-type": "application/gzip",
    "cache-control": "public, max-age=31536000, immutable",
    "cross-origin-resource-policy": "same-origin",
    "x-content-sha256": model.sha256,
    "x-uncompressed-length": String(bytes.length),
    "x-compressed-length": String(gzipBytes.length),
  });
  expect(gzip.headers()["content-encoding"]).toBeUndefined();
  expect((await request.get(model.gzipFileUrl, { headers: { "If-None-Match": gzip.headers()["etag"]! } })).status()).toBe(304);
  expect((await request.get(`/m/${"0".repeat(64)}.onnx.gz`)).status()).toBe(404);
});
