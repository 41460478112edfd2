// `simulate --browsers N`: the virtual fleet runs the real capture page. Each virtual device is a
// headless Chromium phone (its viewport, User-Agent and UA Client Hints through CDP) that opens the
// study's link, accepts the consent text, types each scene code and "takes" its rendered photo
// through the page's camera input; the page itself decodes, runs the model (onnxruntime-web,
// WASM or WebGPU as it decides) and uploads from its outbox. N phones run at a time. Joins are
// marked `simulated` (the one field the simulator adds to the page's request); captures keep the
// page's capture method and random capture ids, so unlike the API mode a re-run adds captures.
// The truth records what the pages computed, read back through the researcher API.
import "server-only";
import { createHash } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import { z } from "zod";
import { capturePageSchema, type CaptureView } from "@/lib/captures/capture-schemas";
import { modelInfoSchema } from "@/lib/models/model-info";
import { createFleet, type VirtualDeviceModel } from "./device-models";
import { createParallaxClient, type ParallaxClient } from "./parallax-client";
import { planCaptures, type PlannedCapture } from "./plan-captures";
import type { ProgressBar } from "./progress-bar";
import { renderCapture, type RgbImage } from "./render-capture";
import { chooseBaseScenes, describeTruthDeviceModel, resolveStudy, type SimulationOptions, type SimulationResult } from "./run-simulation";
import { addScenes } from "./simulator-api";
import { TRUTH_FORMAT, type SimulationTruth, type TruthCapture } from "./simulation-truth";

/** Headless Chromium as root, without background network chatter (the flags the browser tests use). */
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"];

export type BrowserFleetOptions = Omit<SimulationOptions, "model" | "onCapture" | "concurrency"> & {
  server: NonNullable<SimulationOptions["server"]> & { token: string };
  /** Phones running at once. */
  browsers: number;
  chromiumPath?: string;
};

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function launchChromium(executablePath: string): Promise<Browser> {
  let playwright: typeof import("@playwright/test");
  try {
    playwright = await import("@playwright/test");
  } catch {
    throw new Error("--browsers needs @playwright/test (a development dependency): run npm install");
  }
  return playwright.chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

/** One virtual phone's visit: join through the page, then photograph its planned captures in order. */
async function runPhone(
  browser: Browser,
  serverUrl: string,
  code: string,
  model: VirtualDeviceModel,
  captures: PlannedCapture[],
  photoOf: (capture: PlannedCapture) => Promise<Uint8Array>,
  progress: ProgressBar | undefined,
): Promise<void> {
  const { identity } = model;
  const context = await browser.newContext({
    viewport: { width: identity.screen.width, height: identity.screen.height },
    deviceScaleFactor: identity.screen.devicePixelRatio,
    isMobile: true,
    hasTouch: true,
    userAgent: identity.userAgent,
  });
  try {
    const page: Page = await context.newPage();
    if (identity.clientHints) {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setUserAgentOverride", { userAgent: identity.userAgent, userAgentMetadata: { ...identity.clientHints, wow64: false } });
    }
    // Label the device as simulated: the only change to what the page sends.
    await page.route("**/api/v1/join/*", async (route) => {
      const request = route.request();
      if (request.method() !== "POST") return route.continue();
      const body = request.postData() ? (JSON.parse(request.postData()!) as Record<string, unknown>) : {};
      await route.continue({ postData: JSON.stringify({ ...body, simulated: true }) });
    });
    await page.goto(`${serverUrl}/join/${encodeURIComponent(code)}`);
    await page.getByRole("button", { name: "I agree, take part" }).click();
    const sceneField = page.getByLabel("Scene code");
    await sceneField.waitFor();
    await page.getByTestId("model-status").and(page.locator('[data-phase="ready"]')).waitFor({ timeout: 180_000 });
    let current = "";
    for (const [index, capture] of captures.entries()) {
      if (capture.sceneKey !== current) {
        await sceneField.fill(capture.sceneKey);
        current = capture.sceneKey;
      }
      const bytes = await photoOf(capture);
      await page.getByTestId("file-native-camera").setInputFiles({ name: `IMG_${String(index + 1).padStart(4, "0")}.jpg`, mimeType: "image/jpeg", buffer: Buffer.from(bytes) });
      await page.locator('[data-testid="result-card"][data-upload="uploaded"]').nth(index).waitFor({ timeout: 180_000 });
      progress?.tick(1, `${capture.deviceKey} ${capture.sceneKey}`);
    }
  } finally {
    await context.close();
  }
}

async function listStudyCaptures(client: ParallaxClient, token: string, studyId: string): Promise<CaptureView[]> {
  const captures: CaptureView[] = [];
  let cursor: string | null = null;
  do {
    const page = capturePageSchema.parse(
      await client.request(`/api/v1/studies/${encodeURIComponent(studyId)}/captures?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token }),
    );
    captures.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return captures;
}

export async function runBrowserFleet(options: BrowserFleetOptions): Promise<SimulationResult> {
  const seed = String(options.seed);
  const log = options.log ?? (() => {});
  const maxPhotoSide = options.maxPhotoSide ?? 1024;
  const skipProbability = options.skipProbability ?? 0.15;
  // The page's camera button takes one photo at a time: no bursts in this mode.
  const burstProbability = 0;
  const fleet = createFleet({ seed, devices: options.devices, maxPhotoSide, maxStrength: options.maxStrength });
  const client = createParallaxClient({ serverUrl: options.server.url, fetch: options.server.fetch });
  const study = await resolveStudy(client, options.server, { seed, devices: options.devices, log });
  if (!study.id) throw new Error("--browsers needs --study ID or --new (a researcher token reads the pages' results back)");

  const { scenes, description, labelIndex } = await chooseBaseScenes({ seed, count: options.scenes, baseImagesDir: options.baseImagesDir, modelSha256: study.model.sha256 });
  await addScenes(client, options.server.token, study.id, scenes.map((scene) => ({ key: scene.key, ...(scene.label ? { label: scene.label } : {}) })));
  const plan = planCaptures({ seed, fleet, sceneKeys: scenes.map((scene) => scene.key), skipProbability, burstProbability });
  const progress = options.progress?.(plan.length);

  const sceneByKey = new Map(scenes.map((scene) => [scene.key, scene]));
  const loaded = new Map<string, Promise<RgbImage>>();
  const byImage = new Map<string, PlannedCapture>();
  const rendered = new Map<string, { sha256: string; width: number; height: number; sizeBytes: number }>();
  const photoOf = async (capture: PlannedCapture) => {
    let image = loaded.get(capture.sceneKey);
    if (!image) loaded.set(capture.sceneKey, (image = sceneByKey.get(capture.sceneKey)!.load()));
    const model = fleet.find((candidate) => candidate.key === capture.modelKey)!;
    const photo = await renderCapture({ scene: await image, character: model.character, identity: model.identity, shot: capture.shot, capturedAt: new Date(capture.capturedAt) });
    rendered.set(sha256(photo.bytes), { sha256: sha256(photo.bytes), width: photo.width, height: photo.height, sizeBytes: photo.bytes.length });
    byImage.set(sha256(photo.bytes), capture);
    return photo.bytes;
  };

  const phones = fleet.flatMap((model) => model.devices.map((device) => ({ model, device, captures: plan.filter((capture) => capture.deviceKey === device.key) })));
  const browser = await launchChromium(options.chromiumPath ?? "/usr/bin/chromium");
  let next = 0;
  let failure: unknown;
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, options.browsers) }, async () => {
        while (!failure && next < phones.length) {
          const phone = phones[next++]!;
          try {
            await runPhone(browser, client.serverUrl, study.code, phone.model, phone.captures, photoOf, progress);
          } catch (error) {
            failure ??= error;
          }
        }
      }),
    );
  } finally {
    await browser.close();
  }
  if (failure) throw failure;
  progress?.finish();

  // What the pages computed and uploaded, read back; matched to the plan by the photo's bytes.
  const stored = (await listStudyCaptures(client, options.server.token, study.id)).filter((capture) => byImage.has(capture.originalSha256));
  stored.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const deviceIds = new Map<string, string>();
  const records: TruthCapture[] = stored.map((capture, order) => {
    const planned = byImage.get(capture.originalSha256)!;
    deviceIds.set(planned.deviceKey, capture.deviceId);
    const device = capture.predictions.find((prediction) => prediction.source === "device" && prediction.variant === "original");
    if (!device) throw new Error(`capture ${capture.id} was stored without the page's prediction`);
    return {
      clientCaptureId: capture.clientCaptureId,
      order,
      sceneKey: planned.sceneKey,
      deviceKey: planned.deviceKey,
      modelKey: planned.modelKey,
      capturedAt: planned.capturedAt,
      image: rendered.get(capture.originalSha256)!,
      prediction: { top1Index: device.top1Index, top: device.top, ...(device.tensorSha256 ? { tensorSha256: device.tensorSha256 } : {}) },
      captureId: capture.id,
      serverDeviceModelKey: capture.deviceModelKey,
    };
  });
  if (records.length !== plan.length) throw new Error(`the pages uploaded ${records.length} of ${plan.length} photos`);
  const { model: modelInfo } = z.object({ model: modelInfoSchema }).parse(await client.request(`/api/v1/models/${encodeURIComponent(study.model.id)}`, { token: options.server.token }));
  const runtimes = new Set(stored.flatMap((capture) => capture.predictions.filter((p) => p.source === "device").map((p) => `${p.runtime} ${p.runtimeVersion ?? ""}`.trim())));
  const truth: SimulationTruth = {
    format: TRUTH_FORMAT,
    seed,
    options: { devices: options.devices, scenes: scenes.length, maxPhotoSide, skipProbability, burstProbability, baseScenes: description },
    server: { url: client.serverUrl, studyId: study.id, studyCode: study.code },
    model: {
      sha256: study.model.sha256,
      name: study.model.name,
      numClasses: modelInfo.numClasses,
      preprocessingId: modelInfo.preprocessingId,
      runtime: [...runtimes].join(", ") || "onnxruntime-web",
    },
    scenes: scenes.map((scene) => ({
      key: scene.key,
      source: scene.source,
      ...(scene.label ? { label: scene.label } : {}),
      ...(labelIndex.has(scene.key) ? { labelIndex: labelIndex.get(scene.key) } : {}),
    })),
    deviceModels: fleet.map((model) =>
      describeTruthDeviceModel(
        model,
        model.devices.map((device) => ({
          key: device.key,
          ...(deviceIds.has(device.key) ? { deviceId: deviceIds.get(device.key) } : {}),
          captures: plan.filter((capture) => capture.deviceKey === device.key).length,
        })),
      ),
    ),
    captures: records,
  };
  return { truth, study };
}
