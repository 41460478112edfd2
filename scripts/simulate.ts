// `npm run simulate`: a virtual phone fleet photographs scenes and uploads through a running
// server's public API, or (--offline) only renders and classifies. Writes the known truth as JSON.
//
//   npm run simulate -- --devices 12 --scenes 300 --seed 1 [--study ID | --new] [--model ID]
//        [--base-images DIR] [--server URL --token T] [--out truth.json] [--photo-size 800]
//        [--concurrency 2] [--skip 0.15] [--burst 0.1] [--browsers N]
//   npm run simulate -- --offline [--model-file F.onnx --labels L.txt --preset imagenet] …
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { isPreprocessingPresetName, PREPROCESSING_PRESETS } from "@/lib/inference/preprocess";
import { parseLabelsText } from "@/lib/models/model-definition";
import { readBuiltinSimulatorModel, sha256Hex, type SimulatorModel } from "@/lib/simulator/create-device-classifier";
import { ApiRequestError } from "@/lib/simulator/parallax-client";
import { createProgressBar } from "@/lib/simulator/progress-bar";
import { countDeviceModels } from "@/lib/simulator/device-models";
import { fillDemoStudy } from "@/lib/simulator/fill-demo-study";
import { runBrowserFleet } from "@/lib/simulator/run-browser-fleet";
import { runSimulation } from "@/lib/simulator/run-simulation";
import { computeTruthInstability } from "@/lib/simulator/simulation-truth";
import { loadServerEnvForScript } from "./lib/load-env";

const HELP = `Usage: npm run simulate -- [options]

A virtual phone fleet joins a study through the API, photographs scenes with each phone's own
camera character, runs the study's model on every photo and uploads it like a phone would.

  --devices N          virtual devices (default 12; about a quarter of the device models get two)
  --scenes N           scenes to photograph (default 300; fewer when the base scenes run out)
  --seed S             everything is derived from it (default 1)
  --study ID           fill this study (needs a researcher token)
  --new                create a new study (the default without --study)
  --study-code CODE    join by code only (no researcher token; scenes are created by the uploads)
  --model ID           the model of a new study (default: the server's default model)
  --base-images DIR    photograph these images instead of procedural scenes
  --server URL         default http://localhost:$PORT
  --token T            researcher API token (default: PARALLAX_ADMIN_TOKEN)
  --out FILE           write the known truth (JSON) here (default simulation-truth.json)
  --photo-size N       longest side of the rendered photos in pixels (default 800)
  --concurrency N      captures processed at once (default 2)
  --max-strength S     the strongest camera character, 0 < S <= 1 (default 1: the fleet spans a
                       near-neutral camera to an extreme one; smaller is a milder fleet)
  --skip P, --burst P  probability that a device skips a scene / shoots a burst of 3 (0.15, 0.1)
  --browsers N         the phones run the real capture page instead: headless Chromium, N at a
                       time, each with its identity (UA, Client Hints, screen); the page runs the
                       model (onnxruntime-web) and uploads; no bursts; a re-run adds captures
  --chromium PATH      Chromium for --browsers (default /usr/bin/chromium)
  --demo               fill --study ID with the small demo fleet, only if it has no captures yet
                       (what the first start does for the demo study)
  --offline            render and classify only, nothing uploaded; the model is the built-in
                       colour checker unless --model-file F.onnx --labels L.txt [--preset imagenet]
  --help`;

const optionsSchema = z.object({
  devices: z.coerce.number().int().min(2).max(500).default(12),
  scenes: z.coerce.number().int().min(1).max(100_000).default(300),
  seed: z.string().min(1).max(100).default("1"),
  study: z.string().min(1).optional(),
  new: z.boolean().default(false),
  "study-code": z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  "base-images": z.string().min(1).optional(),
  server: z.url().optional(),
  token: z.string().min(1).optional(),
  out: z.string().min(1).default("simulation-truth.json"),
  "photo-size": z.coerce.number().int().min(64).max(8192).default(800),
  concurrency: z.coerce.number().int().min(1).max(64).default(2),
  "max-strength": z.coerce.number().gt(0.1).max(1).default(1),
  skip: z.coerce.number().min(0).max(0.95).default(0.15),
  burst: z.coerce.number().min(0).max(1).default(0.1),
  browsers: z.coerce.number().int().min(0).max(64).optional(),
  chromium: z.string().min(1).default("/usr/bin/chromium"),
  offline: z.boolean().default(false),
  demo: z.boolean().default(false),
  "model-file": z.string().optional(),
  labels: z.string().optional(),
  preset: z.string().default("imagenet"),
});

function fail(message: string): never {
  console.error(`simulate: ${message}`);
  process.exit(1);
}

function readOfflineModel(options: z.infer<typeof optionsSchema>): SimulatorModel {
  if (!options["model-file"]) return readBuiltinSimulatorModel();
  if (!options.labels) fail("--model-file needs --labels FILE (one label per line)");
  if (!isPreprocessingPresetName(options.preset)) fail(`unknown --preset ${options.preset} (try: ${Object.keys(PREPROCESSING_PRESETS).join(", ")})`);
  const bytes = new Uint8Array(readFileSync(options["model-file"]));
  return {
    name: path.basename(options["model-file"]),
    bytes,
    sha256: sha256Hex(bytes),
    inputName: "input",
    outputName: "output",
    labels: parseLabelsText(readFileSync(options.labels, "utf8")),
    topK: 5,
    preprocessing: PREPROCESSING_PRESETS[options.preset],
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      devices: { type: "string" },
      scenes: { type: "string" },
      seed: { type: "string" },
      study: { type: "string" },
      new: { type: "boolean" },
      "study-code": { type: "string" },
      model: { type: "string" },
      "base-images": { type: "string" },
      server: { type: "string" },
      token: { type: "string" },
      out: { type: "string" },
      "photo-size": { type: "string" },
      concurrency: { type: "string" },
      "max-strength": { type: "string" },
      skip: { type: "string" },
      burst: { type: "string" },
      browsers: { type: "string" },
      chromium: { type: "string" },
      offline: { type: "boolean" },
      demo: { type: "boolean" },
      "model-file": { type: "string" },
      labels: { type: "string" },
      preset: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(`--${String(issue.path[0])}: ${issue.message}`);
  }
  const options = parsed.data;
  if (options.browsers && options.offline) fail("--browsers needs a server (the capture page runs there)");
  if (options.study && options.new) fail("--study and --new exclude each other");
  if (options["base-images"] && !existsSync(options["base-images"])) fail(`--base-images: ${options["base-images"]} does not exist`);

  const env = loadServerEnvForScript();
  const serverUrl = options.server ?? `http://localhost:${env.PORT}`;
  const token = options.token ?? env.PARALLAX_ADMIN_TOKEN;
  if (options.demo) {
    if (!options.study || !token) fail("--demo needs --study ID and a researcher token");
    const result = await fillDemoStudy({ serverUrl, token, studyId: options.study, seed: options.seed, log: console.log, waitForServerMs: 120_000 });
    console.log(result.skipped ? `Study ${options.study} already has captures: left as it is.` : `Filled study ${options.study}: ${result.captures} captures from ${result.devices} simulated devices in ${result.seconds.toFixed(1)} s.`);
    return;
  }
  const models = countDeviceModels(options.devices);
  const mode = options.offline ? "offline (nothing uploaded)" : `server ${serverUrl}`;
  console.log(`Simulating ${options.devices} devices of ${models} device models, up to ${options.scenes} scenes, seed ${options.seed}; ${mode}.`);

  let progress: ReturnType<typeof createProgressBar> | undefined;
  const started = performance.now();
  const common = {
    seed: options.seed,
    devices: options.devices,
    scenes: options.scenes,
    baseImagesDir: options["base-images"],
    maxPhotoSide: options["photo-size"],
    skipProbability: options.skip,
    maxStrength: options["max-strength"],
    log: (message: string) => (progress ? progress.log(message) : console.log(message)),
    progress: (total: number) => (progress = createProgressBar({ total, label: "simulate", unit: "captures" })),
  };
  if (options.browsers && !token) fail("--browsers needs a researcher token (--token) to create the study and read the pages' results");
  const { truth, study } = options.browsers
    ? await runBrowserFleet({
        ...common,
        browsers: options.browsers,
        chromiumPath: options.chromium,
        server: { url: serverUrl, token: token!, studyId: options.study, modelId: options.model },
      })
    : await runSimulation({
        ...common,
        burstProbability: options.burst,
        concurrency: options.concurrency,
        ...(options.offline
          ? { model: readOfflineModel(options) }
          : {
              server: {
                url: serverUrl,
                token,
                studyId: options.study,
                studyCode: options["study-code"],
                modelId: options.model,
                stateDir: path.join(os.tmpdir(), "parallax-simulator"),
              },
            }),
      });

  mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(truth, null, 2)}\n`);
  const report = computeTruthInstability(truth);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${truth.captures.length} captures from ${options.devices} devices in ${seconds.toFixed(1)} s` +
      ` (${(truth.captures.length / seconds).toFixed(1)}/s). Expected label instability: ${report.unstableScenes}/${report.eligibleScenes}` +
      ` eligible scenes; within-device: ${report.withinDeviceUnstableGroups}/${report.withinDeviceGroups} bursts.`,
  );
  if (study) console.log(`Study ${study.id} (join code ${study.code}).`);
  console.log(`Known truth written to ${options.out}.`);
}

main().catch((error: unknown) => {
  if (error instanceof ApiRequestError) fail(`the server answered ${error.status} ${error.code}: ${error.message}`);
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code === "ECONNREFUSED") fail(`cannot reach the server (${(error as Error).message}); is it running (npm start)? Or use --offline.`);
  fail((error as Error).message ?? String(error));
});
