// Fills the demo study that a first `npm start` creates: a small simulated fleet (8 devices of 6
// device models, clearly marked as simulated) photographs the study's scenes — the colour
// checker's 24 stimuli with the default model — through the server's own public API. Takes a few
// seconds; does nothing when the study already has captures, so it is safe on every start.
import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { createParallaxClient, type FetchLike } from "./parallax-client";
import type { Seed } from "./random";
import { runSimulation } from "./run-simulation";
import { studyViewSchema } from "@/lib/studies/study-schemas";

export type FillDemoStudyOptions = {
  /** The running server, e.g. http://127.0.0.1:3000 */
  serverUrl: string;
  /** A researcher token (e.g. the admin token) that may read the study and add scenes. */
  token: string;
  studyId: string;
  seed?: Seed;
  devices?: number;
  fetch?: FetchLike;
  log?: (message: string) => void;
  /** How long to wait for the server to answer /api/health (default 120 s). */
  waitForServerMs?: number;
};

export type FillDemoStudyResult = { skipped: boolean; devices: number; captures: number; seconds: number };

export const DEMO_FLEET = { devices: 8, scenes: 24, maxPhotoSide: 320, skipProbability: 0.1, burstProbability: 0.1, concurrency: 4 } as const;

async function waitForServer(serverUrl: string, fetchImpl: FetchLike, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetchImpl(`${serverUrl.replace(/\/+$/, "")}/api/health`);
      await response.body?.cancel();
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`the server at ${serverUrl} did not become healthy within ${Math.round(timeoutMs / 1000)} s (${last})`);
}

export async function fillDemoStudy(options: FillDemoStudyOptions): Promise<FillDemoStudyResult> {
  const started = performance.now();
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  await waitForServer(options.serverUrl, fetchImpl, options.waitForServerMs ?? 120_000);
  const client = createParallaxClient({ serverUrl: options.serverUrl, fetch: fetchImpl });
  const study = studyViewSchema.parse(await client.request(`/api/v1/studies/${encodeURIComponent(options.studyId)}`, { token: options.token }));
  const devices = options.devices ?? DEMO_FLEET.devices;
  if (study.counts.captures > 0) return { skipped: true, devices: 0, captures: 0, seconds: (performance.now() - started) / 1000 };
  const { truth } = await runSimulation({
    seed: options.seed ?? "demo",
    devices,
    scenes: DEMO_FLEET.scenes,
    maxPhotoSide: DEMO_FLEET.maxPhotoSide,
    skipProbability: DEMO_FLEET.skipProbability,
    burstProbability: DEMO_FLEET.burstProbability,
    concurrency: DEMO_FLEET.concurrency,
    server: { url: options.serverUrl, token: options.token, studyId: options.studyId, fetch: fetchImpl },
    log: options.log,
  });
  return { skipped: false, devices, captures: truth.captures.length, seconds: (performance.now() - started) / 1000 };
}
