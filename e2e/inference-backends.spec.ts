// The default (built-in colour-checker) model in headless Chromium: on WebGPU (SwiftShader, software
// Vulkan) and on WASM, each recording the backend that actually ran; a model WebGPU cannot run
// completely is recorded as a WebGPU failure before WASM runs; a second load comes from Cache Storage.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium, devices, expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { CHROMIUM_ARGS, E2E_ADMIN_TOKEN } from "../playwright.config";

test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: [...CHROMIUM_ARGS, "--enable-unsafe-webgpu"] } });
test.setTimeout(180_000);

const stimuliDir = path.resolve(process.cwd(), "lib/models/builtin/colorchecker/stimuli");

async function openLab(page: Page) {
  await page.goto("/lab/inference");
  await page.waitForFunction(() => window.parallaxLab !== undefined);
}

test("the default model runs on WebGPU and on WASM, and each records its backend", async ({ page }) => {
  await openLab(page);
  const photo = Array.from(readFileSync(path.join(stimuliDir, "07-orange.png")));
  const result = await page.evaluate(async (bytes) => {
    const lab = window.parallaxLab!;
    const model = lab.models.find((m) => m.source === "builtin:colorchecker")!;
    const runs = [];
    for (const backend of ["webgpu", "wasm"] as const) {
      const client = lab.createInferenceClient();
      const runtime = await client.loadModel(model, undefined, { backend });
      const outcome = await client.classify(new Uint8Array(bytes));
      runs.push({ runtime, prediction: outcome.prediction, tensorSha256: outcome.tensorSha256, logits: Array.from(outcome.logits) });
      client.dispose();
    }
    return { runs, isolated: crossOriginIsolated };
  }, photo);

  const [webgpu, wasm] = result.runs;
  expect(result.isolated).toBe(true);
  expect(webgpu!.runtime.backend).toBe("webgpu");
  expect(webgpu!.prediction.backend).toBe("webgpu");
  expect(webgpu!.runtime.webgpuFailure).toBeUndefined();
  expect(webgpu!.runtime.adapter?.architecture).toMatch(/swiftshader/i);
  expect(webgpu!.prediction.runtimeBundle).toContain("ort.webgpu.min.mjs");
  expect(wasm!.runtime.backend).toBe("wasm");
  expect(wasm!.prediction.backend).toBe("wasm");
  expect(wasm!.prediction.runtimeBundle).toContain("ort.wasm.min.mjs");
  for (const run of [webgpu!, wasm!]) {
    expect(run.prediction.top[0]).toMatchObject({ index: 6, label: "orange" });
    expect(run.prediction.runtimeVersion).toBe("1.30.0");
  }
  // Same bytes, same preprocessing: the same tensor on both backends.
  expect(webgpu!.tensorSha256).toBe(wasm!.tensorSha256);
  const diff = Math.max(...webgpu!.logits.map((v, i) => Math.abs(v - wasm!.logits[i]!)));
  test.info().annotations.push({ type: "webgpu-vs-wasm max |logit diff|", description: diff.toExponential(3) });
  expect(diff).toBeLessThan(1e-2);
});

test("WASM uses several threads when the page is cross-origin isolated, and the model comes from Cache Storage the second time", async ({ page }) => {
  await openLab(page);
  const runtimes = await page.evaluate(async () => {
    const lab = window.parallaxLab!;
    const model = lab.models.find((m) => m.source === "builtin:colorchecker")!;
    const out = [];
    for (let i = 0; i < 2; i++) {
      const client = lab.createInferenceClient();
      out.push(await client.loadModel(model, undefined, { backend: "wasm" }));
      client.dispose();
    }
    return out;
  });
  expect(runtimes[0]!.threads).toBe(Math.min(4, await page.evaluate(() => navigator.hardwareConcurrency)));
  expect(runtimes[1]!.modelFromCache).toBe(true);
});

test("one client classifies photos of changing sizes as fresh clients do, and leaves the caller's bytes as they were", async ({ page }) => {
  await openLab(page);
  // Larger, smaller, then larger again: the client copies each photo into the previous photo's
  // buffer when that is big enough (sent back by the worker), so later photos are shorter than it.
  const stimulus = readFileSync(path.join(stimuliDir, "07-orange.png"));
  const photos = await Promise.all(
    [640, 96, 300, 1200, 150].map(async (width) => Array.from(await sharp(stimulus).resize(width).jpeg({ quality: 90 }).toBuffer())),
  );
  const result = await page.evaluate(async (photos) => {
    const lab = window.parallaxLab!;
    const model = lab.models.find((m) => m.source === "builtin:colorchecker")!;
    const shared = lab.createInferenceClient();
    await shared.loadModel(model, undefined, { backend: "wasm" });
    const runs = [];
    for (const photo of photos) {
      const bytes = new Uint8Array(photo);
      const outcome = await shared.classify(bytes);
      const fresh = lab.createInferenceClient();
      await fresh.loadModel(model, undefined, { backend: "wasm" });
      const alone = await fresh.classify(new Uint8Array(photo));
      fresh.dispose();
      runs.push({
        shared: outcome.tensorSha256,
        alone: alone.tensorSha256,
        width: outcome.decoded.sourceWidth,
        untouched: bytes.length === photo.length && bytes.every((b, i) => b === photo[i]),
      });
    }
    shared.dispose();
    return runs;
  }, photos);
  expect(result.map((run) => run.width)).toEqual([640, 96, 300, 1200, 150]);
  for (const run of result) {
    expect(run.shared).toBe(run.alone);
    expect(run.untouched).toBe(true);
  }
});

test("without a WebGPU adapter, a WebGPU request runs WASM and records why", async ({ baseURL }) => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: [...CHROMIUM_ARGS, "--disable-gpu", "--disable-webgpu"] });
  try {
    const page = await browser.newPage({ baseURL });
    await openLab(page);
    const runtime = await page.evaluate(async () => {
      const lab = window.parallaxLab!;
      const model = lab.models.find((m) => m.source === "builtin:colorchecker")!;
      return lab.createInferenceClient().loadModel(model, undefined, { backend: "webgpu" });
    });
    expect(runtime.backend).toBe("wasm");
    expect(runtime.webgpuFailure).toBe("WebGPU was requested but no WebGPU adapter is available.");
  } finally {
    await browser.close();
  }
});

test("iOS defaults to WASM without trying WebGPU", async ({ browser }) => {
  const { defaultBrowserType: _ignored, ...iPhone } = devices["iPhone 14"];
  void _ignored;
  const context = await browser.newContext(iPhone);
  const page = await context.newPage();
  await openLab(page);
  const runtime = await page.evaluate(async () => {
    const lab = window.parallaxLab!;
    const model = lab.models.find((m) => m.source === "builtin:colorchecker")!;
    return lab.createInferenceClient().loadModel(model, undefined, { backend: "auto" });
  });
  expect(runtime.backend).toBe("wasm");
  expect(runtime.webgpuFailure).toBeUndefined();
  expect(runtime.adapter).toBeUndefined();
  await context.close();
});

test("a model WebGPU cannot run completely records the WebGPU failure, then runs on WASM", async ({ page, request }) => {
  const shared = path.resolve(process.cwd(), "../shared/models-real");
  test.skip(!existsSync(path.join(shared, "mobilenetv2-12-int8.onnx")), "the real model is not in ../shared/models-real");
  const upload = await request.post("/api/v1/models", {
    headers: { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
    multipart: {
      file: { name: "mobilenetv2-12-int8.onnx", mimeType: "application/octet-stream", buffer: readFileSync(path.join(shared, "mobilenetv2-12-int8.onnx")) },
      labels: { name: "synset.txt", mimeType: "text/plain", buffer: readFileSync(path.join(shared, "synset.txt")) },
      name: "MobileNetV2 int8",
      preset: "imagenet",
    },
  });
  expect([200, 201]).toContain(upload.status());
  const { model } = (await upload.json()) as { model: { sha256: string } };
  await openLab(page);
  const photo = Array.from(readFileSync(path.resolve(process.cwd(), "../shared/photos-real/coffee.png")));
  const outcome = await page.evaluate(
    async ({ sha256, bytes }) => {
      const lab = window.parallaxLab!;
      const client = lab.createInferenceClient();
      const runtime = await client.loadModel(lab.models.find((m) => m.sha256 === sha256)!, undefined, { backend: "auto" });
      const { prediction } = await client.classify(new Uint8Array(bytes));
      return { runtime, prediction };
    },
    { sha256: model.sha256, bytes: photo },
  );
  expect(outcome.runtime.adapter?.architecture).toMatch(/swiftshader/i);
  expect(outcome.runtime.backend).toBe("wasm");
  expect(outcome.runtime.webgpuFailure).toMatch(/^WebGPU session failed: /);
  expect(outcome.prediction).toMatchObject({ backend: "wasm", webgpuFailure: outcome.runtime.webgpuFailure });
  expect(outcome.prediction.top[0]!.index).toBe(967); // espresso
});
