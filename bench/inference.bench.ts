// In-browser inference pipeline on a 12 MP photo: headless Chromium, the real MobileNetV2 int8 on
// the WASM backend (multi-threaded, cross-origin isolated page), a 4032×3024 JPEG made with sharp.
// Times decode, preprocess and inference separately, plus bare session.run on a prepared tensor in
// the same run (the baseline). Target: the whole pipeline within 2× of bare inference.
//
// The baseline's tensor is the photo's own: preprocessed here in Node with the same code and checked
// against the tensor hash the pipeline records, so both time the model on the same input. That
// matters: onnxruntime-web's WASM int8 kernels take longer on natural-image activations than on a
// synthetic pattern (MobileNetV2 here: ~33 ms for this photo's tensor, the same tensor shuffled or
// uniform noise, against ~25 ms for the sin pattern the baseline used before 2026-11-26, and
// ~24 ms for zeros; single-threaded ORT-web in Node shows the same, native onnxruntime-node does
// not). The synthetic tensor is still timed and reported for comparison.
// BENCH_TRACE=file.json also writes a Chrome trace of the measured runs (chrome://tracing, Perfetto).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import sharp from "sharp";
import { minShorterSideFor } from "../lib/inference/classify-image";
import { decodeImage } from "../lib/inference/decode-image";
import { preprocessImage, type PreprocessingSpec } from "../lib/inference/preprocess";
import { hashTensor } from "../lib/inference/tensor-hash";
import { freePort } from "../scripts/lib/free-port";
import { recordBenchResults } from "./lib/record-results";

const root = path.resolve(import.meta.dirname, "..");
const shared = path.resolve(root, "../shared");
const modelFile = path.join(shared, "models-real/mobilenetv2-12-int8.onnx");
const labelsFile = path.join(shared, "models-real/synset.txt");
const photoSource = path.join(shared, "photos-real/china.jpg");
const TOKEN = "bench-admin-token-0123456789abcdef";
const RUNS = 7;
// Photos classified before the measured runs (the engine optimises the decoder from about the third call).
const WARMUPS = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function makePhoto(): Promise<{ baseline: Buffer; progressive: Buffer }> {
  const workDir = path.join(root, "bench", ".work");
  mkdirSync(workDir, { recursive: true });
  const file = path.join(workDir, "photo-4032x3024.jpg");
  const progressiveFile = path.join(workDir, "photo-4032x3024-progressive.jpg");
  if (existsSync(file) && existsSync(progressiveFile)) return { baseline: readFileSync(file), progressive: readFileSync(progressiveFile) };
  // A real photo enlarged to 12 MP, with sensor-like noise so the JPEG has realistic detail.
  const base = await sharp(photoSource).resize(4032, 3024, { fit: "cover" }).raw().toBuffer();
  let seed = 42;
  for (let i = 0; i < base.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    base[i] = Math.max(0, Math.min(255, base[i]! + ((seed >> 16) % 9) - 4));
  }
  const image = () => sharp(base, { raw: { width: 4032, height: 3024, channels: 3 } });
  const baseline = await image().jpeg({ quality: 92, chromaSubsampling: "4:2:0" }).toBuffer();
  // The same picture as a progressive JPEG: the 1/8-scale path does not apply, so it shows full-size decoding.
  const progressive = await image().jpeg({ quality: 92, chromaSubsampling: "4:2:0", progressive: true }).toBuffer();
  writeFileSync(file, baseline);
  writeFileSync(progressiveFile, progressive);
  return { baseline, progressive };
}

async function main() {
  if (!existsSync(modelFile) || !existsSync(photoSource)) {
    console.log("skipped: the real model or photos are not in ../shared");
    return;
  }
  const { baseline: photo, progressive } = await makePhoto();
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "parallax-bench-inference-"));
  const server = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/start.ts"], {
    cwd: root,
    // No demo study: on a fresh data directory it would be filled by a simulated phone fleet (a child
    // process rendering and uploading photos, then reference inference on each), competing for the
    // CPU with the browser throughout the measured runs, as the ingest and export benchmarks know.
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: "",
      PARALLAX_ADMIN_TOKEN: TOKEN,
      PARALLAX_ADMIN_PASSWORD: "bench-admin-password",
      PARALLAX_DEMO: "0",
      PARALLAX_DIST_DIR: process.env.PARALLAX_DIST_DIR || ".next-bench",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (i > 1200) throw new Error("the server did not start");
      const ok = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const form = new FormData();
    form.set("file", new Blob([readFileSync(modelFile)]), "mobilenetv2-12-int8.onnx");
    form.set("labels", new Blob([readFileSync(labelsFile)]), "synset.txt");
    form.set("name", "MobileNetV2 int8");
    form.set("preset", "imagenet");
    const upload = await fetch(`${base}/api/v1/models`, { method: "POST", body: form, headers: { Authorization: `Bearer ${TOKEN}` } });
    const { model } = (await upload.json()) as { model: { sha256: string; preprocessing: PreprocessingSpec } };
    // The baseline's input: the photo's tensor, made by the same decoder and preprocessing.
    const decoded = await decodeImage(new Uint8Array(photo), { minShorterSide: minShorterSideFor(model.preprocessing) });
    const { tensor: photoTensor, dims } = preprocessImage(decoded, model.preprocessing);
    const photoTensorSha256 = await hashTensor(photoTensor);

    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-dev-shm-usage"] });
    const page = await browser.newPage();
    await page.goto(`${base}/lab/inference`);
    await page.waitForFunction(() => window.parallaxLab !== undefined);
    const measure = () =>
      page.evaluate(
        async ({ sha256, base64, progressiveBase64, tensorBase64, dims, runs, warmups }) => {
          const lab = window.parallaxLab!;
          const info = lab.models.find((m) => m.sha256 === sha256)!;
          const client = lab.createInferenceClient();
          const runtime = await client.loadModel(info, undefined, { backend: "wasm" });
          // (No named helper functions in here: the bundler's name-keeping would reference a global the page lacks.)
          const [bytes, progressiveBytes, tensorBytes] = [base64, progressiveBase64, tensorBase64].map((text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))) as [Uint8Array, Uint8Array, Uint8Array];
          const photoTensor = new Float32Array(tensorBytes.buffer);
          const synthetic = new Float32Array(photoTensor.length).map((_, i) => Math.sin(i) * 2);
          await client.runTensor(photoTensor, dims);
          await client.runTensor(synthetic, dims);
          // The very first photo (code not yet optimised by the JavaScript engine), then warm-ups.
          const firstOutcome = await client.classify(bytes);
          for (let i = 1; i < warmups; i++) await client.classify(bytes);
          const bare: number[] = [];
          const bareSynthetic: number[] = [];
          const pipeline: { decode: number; preprocess: number; inference: number; total: number }[] = [];
          const fullSize: { decode: number; preprocess: number; total: number; scale: number }[] = [];
          for (let i = 0; i < runs; i++) {
            bare.push((await client.runTensor(photoTensor, dims)).inferenceMs);
            const outcome = await client.classify(bytes);
            pipeline.push({ decode: outcome.timings.decodeMs ?? 0, preprocess: outcome.timings.preprocessMs ?? 0, inference: outcome.timings.inferenceMs ?? 0, total: outcome.timings.totalMs });
            bareSynthetic.push((await client.runTensor(synthetic, dims)).inferenceMs);
          }
          // The progressive comparison afterwards, so its 48 MB full-size buffers (and the garbage
          // collections they cause) do not land in the measured baseline runs.
          for (let i = 0; i < runs; i++) {
            const full = await client.classify(progressiveBytes);
            fullSize.push({ decode: full.timings.decodeMs ?? 0, preprocess: full.timings.preprocessMs ?? 0, total: full.timings.totalMs, scale: full.decoded.scaleDenominator });
          }
          const first = firstOutcome.timings.totalMs;
          return { runtime, bare, bareSynthetic, pipeline, fullSize, first, scale: firstOutcome.decoded.scaleDenominator, pipelineTensorSha256: firstOutcome.tensorSha256 };
        },
        {
          sha256: model.sha256,
          base64: photo.toString("base64"),
          progressiveBase64: progressive.toString("base64"),
          tensorBase64: Buffer.from(photoTensor.buffer, photoTensor.byteOffset, photoTensor.byteLength).toString("base64"),
          dims,
          runs: RUNS,
          warmups: WARMUPS,
        },
      );
    const loadBefore = loadavg()[0]!;
    const traceFile = process.env.BENCH_TRACE;
    const result = traceFile ? await traced(page, traceFile, measure) : await measure();
    const loadAfter = loadavg()[0]!;
    await browser.close();
    if (result.pipelineTensorSha256 !== photoTensorSha256)
      throw new Error(`the baseline's tensor (${photoTensorSha256}) is not the one the pipeline ran (${result.pipelineTensorSha256})`);

    const bare = median(result.bare);
    const bareSynthetic = median(result.bareSynthetic);
    const overhead = median(result.pipeline.map((p) => p.total - p.decode - p.preprocess - p.inference));
    const decode = median(result.pipeline.map((p) => p.decode));
    const preprocess = median(result.pipeline.map((p) => p.preprocess));
    const inference = median(result.pipeline.map((p) => p.inference));
    const total = median(result.pipeline.map((p) => p.total));
    const ratio = total / bare;
    const fullDecode = median(result.fullSize.map((p) => p.decode));
    const fullPreprocess = median(result.fullSize.map((p) => p.preprocess));
    const fullTotal = median(result.fullSize.map((p) => p.total));
    recordBenchResults({
      name: "inference",
      description:
        `In-browser pipeline (headless Chromium, onnxruntime-web ${result.runtime.runtimeVersion} ${result.runtime.backend}, ${result.runtime.threads} thread(s), ` +
        `cross-origin isolated: ${result.runtime.crossOriginIsolated}) on a 4032×3024 JPEG (${(photo.length / 2 ** 20).toFixed(1)} MiB, q92 4:2:0) with MobileNetV2 int8; medians of ${RUNS} runs after ${WARMUPS} warm-up photos (the progressive comparison runs after them). ` +
        `Baseline: session.run on the photo's own tensor, prepared beforehand (same tensor hash as the pipeline's). Load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)}.`,
      rows: [
        { metric: `decode (baseline JPEG, decoded at 1/${result.scale} from DC coefficients)`, value: decode, unit: "ms" },
        { metric: "preprocess (orientation, resize 256, crop 224, normalise)", value: preprocess, unit: "ms" },
        { metric: "inference inside the pipeline", value: inference, unit: "ms" },
        { metric: "whole pipeline (classify call, incl. hashing and messaging)", value: total, unit: "ms" },
        { metric: "  … of which outside decode, preprocess and inference (messaging, tensor hash and summary, payload)", value: overhead, unit: "ms" },
        { metric: "baseline: bare session.run on the photo's own tensor, prepared beforehand", value: bare, unit: "ms" },
        { metric: "ratio pipeline / bare inference", value: ratio, unit: "×" },
        { metric: "  … each run, in order: whole pipeline / bare", value: result.pipeline.map((p, i) => `${p.total.toFixed(1)} / ${result.bare[i]!.toFixed(1)}`).join(", "), unit: "ms" },
        { metric: "for comparison, bare session.run on a synthetic tensor (sin pattern; the baseline before 2026-11-26)", value: bareSynthetic, unit: "ms" },
        { metric: "  … pipeline / that synthetic bare inference", value: total / bareSynthetic, unit: "×" },
        { metric: "the very first photo's whole pipeline (cold JavaScript), for comparison", value: result.first, unit: "ms" },
        { metric: `for comparison, same photo as progressive JPEG (full-size WASM decode, scale 1/${result.fullSize[0]?.scale}): decode`, value: fullDecode, unit: "ms" },
        { metric: "  … its preprocess (resampling 12 MP)", value: fullPreprocess, unit: "ms" },
        { metric: "  … its whole pipeline / bare inference", value: fullTotal / bare, unit: "×" },
      ],
      verdict: ratio <= 2 ? `target met: pipeline ${ratio.toFixed(2)}× bare inference (≤ 2×)` : `target NOT met: pipeline ${ratio.toFixed(2)}× bare inference (target ≤ 2×)`,
    });
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1000));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs `work` while Chrome records a trace (timeline, user timing, V8 compilation and GC on every thread) into `file`. */
async function traced<T>(page: import("@playwright/test").Page, file: string, work: () => Promise<T>): Promise<T> {
  const cdp = await page.context().newCDPSession(page);
  const events: unknown[] = [];
  cdp.on("Tracing.dataCollected", (event) => events.push(...event.value));
  const complete = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  const categories = ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing", "toplevel", "v8", "v8.execute", "disabled-by-default-v8.gc", "disabled-by-default-v8.compile"];
  await cdp.send("Tracing.start", { traceConfig: { includedCategories: categories }, transferMode: "ReportEvents" });
  try {
    return await work();
  } finally {
    await cdp.send("Tracing.end");
    await complete;
    writeFileSync(file, JSON.stringify({ traceEvents: events }));
    console.log(`  trace written to ${file}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
