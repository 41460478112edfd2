// Runtime parity on real data: the real ImageNet model (../shared/models-real, skipped when absent)
// on ≥ 20 real photos, in headless Chromium with WASM and on the server reference
// (onnxruntime-node). Same bytes must give the same tensor hash and the same top-1, with logits
// within 1e-3 (the largest difference is reported).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { E2E_ADMIN_TOKEN } from "../playwright.config";

const shared = path.resolve(process.cwd(), "../shared");
const modelFile = path.join(shared, "models-real/mobilenetv2-12-int8.onnx");
const labelsFile = path.join(shared, "models-real/synset.txt");
const imagenetDir = path.join(shared, "photos-imagenet100");
const realDir = path.join(shared, "photos-real");

function photos(): { name: string; bytes: Buffer }[] {
  const list = (dir: string, n: number) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
          .sort()
          .slice(0, n)
          .map((f) => ({ name: path.basename(dir) + "/" + f, bytes: readFileSync(path.join(dir, f)) }))
      : [];
  return [...list(imagenetDir, 20), ...list(realDir, 20)];
}

test.setTimeout(300_000);

test("WASM in Chromium and the server reference agree on ≥ 20 real photos: tensor hashes, top-1 and logits", async ({ page, request }) => {
  test.skip(!existsSync(modelFile) || !existsSync(labelsFile), "the real model is not in ../shared/models-real");
  const all = photos();
  test.skip(all.length < 20, "fewer than 20 photos in ../shared");
  // A 12 MP phone-sized JPEG, so the 1/8-scale decode path is compared too.
  const big = all.find((p) => p.name.endsWith("china.jpg"));
  if (big) all.push({ name: "china-4032x3024.jpg", bytes: await sharp(big.bytes).resize(4032, 3024).jpeg({ quality: 90 }).toBuffer() });

  const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
  const upload = await request.post("/api/v1/models", {
    headers: auth,
    multipart: {
      file: { name: "mobilenetv2-12-int8.onnx", mimeType: "application/octet-stream", buffer: readFileSync(modelFile) },
      labels: { name: "synset.txt", mimeType: "text/plain", buffer: readFileSync(labelsFile) },
      name: "MobileNetV2 int8",
      preset: "imagenet",
    },
  });
  expect([200, 201]).toContain(upload.status());
  const { model } = (await upload.json()) as { model: { id: string; sha256: string } };

  await page.goto("/lab/inference");
  await page.waitForFunction(() => window.parallaxLab !== undefined);
  const runtime = await page.evaluate(async (sha256) => {
    const lab = window.parallaxLab!;
    const info = lab.models.find((m) => m.sha256 === sha256)!;
    const client = lab.createInferenceClient();
    (window as unknown as { labClient: typeof client }).labClient = client;
    return client.loadModel(info, undefined, { backend: "wasm" });
  }, model.sha256);
  expect(runtime.backend).toBe("wasm");

  let maxDiff = 0;
  let worst = "";
  const rows: string[] = [];
  for (const photo of all) {
    const browser = await page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const client = (window as unknown as { labClient: import("@/lib/inference/browser/inference-client").InferenceClient }).labClient;
      const outcome = await client.classify(bytes);
      return {
        tensorSha256: outcome.tensorSha256,
        top1: outcome.prediction.top[0]!,
        logits: Array.from(outcome.logits),
        backend: outcome.prediction.backend,
        scale: outcome.decoded.scaleDenominator,
      };
    }, photo.bytes.toString("base64"));
    const response = await request.post(`/api/v1/models/${model.id}/classify`, { headers: { ...auth, "Content-Type": "application/octet-stream" }, data: photo.bytes });
    expect(response.status(), photo.name).toBe(200);
    const server = (await response.json()) as { tensorSha256: string; logits: number[]; prediction: { top: { index: number; label: string }[]; backend: string; runtime: string } };

    expect(browser.backend).toBe("wasm");
    expect(server.prediction.runtime).toBe("onnxruntime-node");
    expect(browser.tensorSha256, `${photo.name}: tensor hash`).toBe(server.tensorSha256);
    expect(browser.top1.index, `${photo.name}: top-1`).toBe(server.prediction.top[0]!.index);
    const diff = Math.max(...browser.logits.map((v, i) => Math.abs(v - server.logits[i]!)));
    if (diff >= maxDiff) {
      maxDiff = diff;
      worst = photo.name;
    }
    if (photo.name.startsWith("china-4032")) expect(browser.scale, "12 MP JPEG decoded at 1/8").toBe(8);
    rows.push(`${photo.name}: top-1 ${browser.top1.label} | max |Δlogit| ${diff.toExponential(2)}`);
  }
  const summary = `${all.length} photos; max |logit diff| WASM vs server = ${maxDiff.toExponential(3)} (${worst})`;
  console.log(`inference parity: ${summary}\n  ${rows.join("\n  ")}`);
  test.info().annotations.push({ type: "inference parity", description: summary });
  expect(maxDiff).toBeLessThan(1e-3);
});
