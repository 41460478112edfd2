// Ingest benchmark: 32 concurrent simulated phones (the fleet simulator's devices and photos) upload with two predictions each to
// POST /api/v1/captures of the real built server, on embedded PGlite and on PostgreSQL, against a
// baseline measured in the same run (a bare node:http server that streams the same body to disk
// and inserts one row), in alternating rounds with both servers up (each baseline round waits
// until Parallax's background reference inference is done). Reports captures/s and p50/p99
// latency per round and their medians. Targets: ≥ 100 captures/s on PGlite and ≥ 30 % of the
// baseline's rate.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createProceduralScenes, loadFolderScenes } from "@/lib/simulator/base-scenes";
import { createFleet } from "@/lib/simulator/device-models";
import { renderCapture } from "@/lib/simulator/render-capture";
import { buildIfNeeded } from "../scripts/lib/build-if-needed";
import { freePort } from "../scripts/lib/free-port";
import { cpuSecondsOfThread, cpuSecondsOfTree } from "../scripts/lib/proc-stats";
import { recordBenchResults, type BenchRow } from "./lib/record-results";
import { serverProcessArgs, serverProcessEnv } from "../scripts/lib/server-process-env";

const CLIENTS = 32;
const WARMUP = 64;
const MEASURED = Number(process.env.INGEST_BENCH_CAPTURES ?? 1200);
// Baseline and Parallax run in alternating rounds (both servers up, each round MEASURED uploads
// to one, then to the other): the shared machine's load drifts over minutes, and a ratio of two
// runs minutes apart measured that drift as much as the servers. The ratio reported is the median
// of the rounds' ratios, each Parallax round against the baseline round just before it.
const ROUNDS = Number(process.env.INGEST_BENCH_ROUNDS ?? 3);
const POSTGRES_URL = process.env.INGEST_BENCH_POSTGRES ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const ADMIN_TOKEN = "ingest-bench-admin-token-0123456789";
const BOUNDARY = "----parallaxIngestBench";
const REAL_PHOTOS = path.join("..", "shared", "photos-real");

process.env.PARALLAX_DIST_DIR ||= ".next-bench";
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

async function waitFor(url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output.join("")}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // starting
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url}:\n${output.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

type Proc = { url: string; output: string[]; pid: number; stop(): Promise<void> };

async function startProcess(args: string[], env: NodeJS.ProcessEnv | Record<string, string>, healthPath: string): Promise<Proc> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, args.map((a) => a.replace("{PORT}", String(port))), { env: { ...process.env, ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout!.on("data", (c) => output.push(String(c)));
  child.stderr!.on("data", (c) => output.push(String(c)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}${healthPath}`, child, output);
  return {
    url,
    output,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        process.kill(-child.pid!, "SIGTERM");
        setTimeout(() => child.exitCode === null && process.kill(-child.pid!, "SIGKILL"), 10_000).unref();
      }),
  };
}

function startParallax(dataDir: string, databaseUrl: string): Promise<Proc> {
  return startProcess(
    // npm start's command line (scripts/lib/server-process-env.ts); INGEST_BENCH_CPU_PROF=DIR
    // writes the server's V8 CPU profile there when it stops.
    serverProcessArgs(["start", "-p", "{PORT}", "-H", "127.0.0.1"], {
      nodeArgs: process.env.INGEST_BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.INGEST_BENCH_CPU_PROF}`] : [],
    }),
    // npm start's process settings (scripts/lib/server-process-env.ts).
    serverProcessEnv(process.env, {
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      PARALLAX_ADMIN_TOKEN: ADMIN_TOKEN,
      PARALLAX_ADMIN_PASSWORD: "bench-password",
      PARALLAX_DEMO: "0",
      // All 32 "phones" come from one address here; per-IP limits would measure the limiter.
      RATE_LIMIT_IP_PER_MINUTE: "0",
      RATE_LIMIT_DEVICE_PER_MINUTE: "0",
      RATE_LIMIT_JOIN_PER_MINUTE: "0",
      // The reference worker would compete for the same two cores; this measures ingestion.
      REFERENCE_CONCURRENCY: process.env.INGEST_BENCH_REFERENCE_CONCURRENCY ?? "1",
    }),
    "/api/health",
  );
}

function startBaseline(dir: string, databaseUrl?: string): Promise<Proc> {
  return startProcess([path.join("node_modules", "tsx", "dist", "cli.mjs"), path.join("bench", "lib", "ingest-baseline-server.ts"), "{PORT}", dir, ...(databaseUrl ? [databaseUrl] : [])], {}, "/");
}

/**
 * The load comes from the phone-fleet simulator: CLIENTS virtual devices (their own camera
 * character and identity, EXIF included) each photograph a scene, rendered before the
 * clock starts. Client i always sends its own device's photo.
 */
async function makeFleetPhotos(): Promise<Buffer[]> {
  const fleet = createFleet({ seed: "ingest-bench", devices: CLIENTS, maxPhotoSide: 1600 });
  const devices = fleet.flatMap((model) => model.devices.map((device) => ({ model, device })));
  // Real photos as the scenes when the shared folder is there (camera-like textures and JPEG sizes), else procedural ones.
  const scenes = existsSync(REAL_PHOTOS)
    ? await loadFolderScenes({ dir: REAL_PHOTOS, count: 6, maxSide: 2000 })
    : createProceduralScenes({ seed: "ingest-bench", count: 6, width: 1600, height: 1200 });
  const images = await Promise.all(scenes.map((scene) => scene.load()));
  return Promise.all(
    devices.map(async ({ model, device }, i) => {
      const shot = { offsetX: device.framingBias.x, offsetY: device.framingBias.y, zoom: 1, noiseSeed: `ingest-bench-${device.key}` };
      const rendered = await renderCapture({ scene: images[i % images.length]!, character: model.character, identity: model.identity, shot, capturedAt: new Date(Date.UTC(2026, 10, 25, 12, 0, i)) });
      return rendered.bytes;
    }),
  );
}

/** The photo with a unique JPEG comment (COM) segment, so every upload is a distinct blob. */
function uniquePhoto(photo: Buffer, n: number): Buffer {
  const text = Buffer.from(`bench-${n.toString().padStart(10, "0")}`, "latin1");
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([photo.subarray(0, 2), segment, text, photo.subarray(2)]);
}

function prediction(modelSha256: string, variant: string) {
  return {
    source: "device",
    variant,
    backend: "wasm",
    runtime: "onnxruntime-web",
    runtimeVersion: "1.30.0",
    threads: 4,
    modelSha256,
    preprocessingId: "bench-preprocessing",
    tensorSha256: "b".repeat(64),
    top: Array.from({ length: 5 }, (_, i) => ({ index: i, label: `label ${i}`, prob: [0.6, 0.2, 0.1, 0.06, 0.04][i]! })),
    timings: { decodeMs: 40.5, preprocessMs: 8.25, inferenceMs: 31.75 },
  };
}

/** The meta part of upload n: a fresh clientCaptureId, one of 100 scenes, the two predictions a phone sends. */
function captureMeta(n: number, modelSha256: string) {
  return { clientCaptureId: randomUUID(), sceneKey: `scene-${n % 100}`, captureMethod: "native-camera", predictions: [prediction(modelSha256, "original"), prediction(modelSha256, "rectified")] };
}

function multipartBody(meta: unknown, image: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(meta)}\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    image,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

/** One POST; a keep-alive connection the server closed just as it was reused is retried once (uploads are idempotent). */
async function post(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  try {
    return await postOnce(url, body, headers);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ECONNRESET") throw error;
    return postOnce(url, body, headers);
  }
}

/** As a phone's browser does, the request accepts compressed replies. */
function postOnce(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", agent, headers: { ...headers, "accept-encoding": "gzip, deflate, br", "content-type": `multipart/form-data; boundary=${BOUNDARY}`, "content-length": String(body.length) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (c) => chunks.push(c));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

type Run = { rate: number; p50: number; p99: number; count: number; seconds: number; serverCpuMsPerUpload?: number; serverMainThreadMsPerUpload?: number };

/** `CLIENTS` concurrent loops sending `total` uploads; latency per request in ms. */
async function drive(total: number, send: (n: number, client: number) => Promise<void>): Promise<Run> {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (;;) {
        const n = next++;
        if (n >= total) return;
        const t0 = performance.now();
        await send(n, client);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { rate: total / seconds, p50: at(0.5), p99: at(0.99), count: total, seconds };
}

type Target = { send: (n: number, client: number) => Promise<void>; pid: number; mainThread: boolean };

/**
 * Waits until a server has had a quiet second (under 50 ms of CPU): Parallax's reference worker
 * runs the server-side model on every stored capture once uploads stop, and a baseline round
 * measured meanwhile would share the cores with it. Gives up after three minutes.
 */
async function waitUntilIdle(pid: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const before = cpuSecondsOfTree(pid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (cpuSecondsOfTree(pid) - before < 0.05 || performance.now() - started > 180_000) return (performance.now() - started) / 1000;
  }
}

/** One measured round of `MEASURED` uploads to a target (after its warm-up), with the server's CPU per upload. */
async function measureRound(target: Target): Promise<Run> {
  const cpuBefore = cpuSecondsOfTree(target.pid);
  const mainBefore = cpuSecondsOfThread(target.pid);
  const run = await drive(MEASURED, target.send);
  return {
    ...run,
    serverCpuMsPerUpload: ((cpuSecondsOfTree(target.pid) - cpuBefore) * 1000) / MEASURED,
    // The main thread runs JavaScript, PGlite's WebAssembly and the GC's main part; the rest is
    // libuv's file-system threads (fsync), V8's compiler and GC helpers.
    ...(target.mainThread ? { serverMainThreadMsPerUpload: ((cpuSecondsOfThread(target.pid) - mainBefore) * 1000) / MEASURED } : {}),
  };
}

/** Study, devices and warm-up on the Parallax server; every call of `send` uploads a new capture. */
async function prepareParallax(url: string, photos: Buffer[], pid: number): Promise<Target> {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" };
  const study = (await (await fetch(`${url}/api/v1/studies`, { method: "POST", headers: admin, body: JSON.stringify({ name: "ingest bench" }) })).json()) as { code: string; study: { model: { sha256: string } } };
  const tokens = await Promise.all(
    Array.from({ length: CLIENTS }, async () => ((await (await fetch(`${url}/api/v1/join/${study.code}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json()) as { deviceToken: string }).deviceToken),
  );
  const modelSha = study.study.model.sha256;
  let sent = 0;
  const send = async (_n: number, client: number) => {
    const n = sent++;
    const meta = captureMeta(n, modelSha);
    const response = await post(`${url}/api/v1/captures`, multipartBody(meta, uniquePhoto(photos[client]!, n)), { authorization: `Bearer ${tokens[client]}` });
    if (response.status !== 201) throw new Error(`upload ${n}: ${response.status} ${response.text.slice(0, 300)}`);
  };
  await drive(WARMUP, send);
  return { send, pid, mainThread: true };
}

async function prepareBaseline(url: string, photos: Buffer[], modelSha: string, pid: number): Promise<Target> {
  let sent = 0;
  const send = async (_n: number, client: number) => {
    const n = sent++;
    const meta = captureMeta(n, modelSha);
    const response = await post(`${url}/upload`, multipartBody(meta, uniquePhoto(photos[client]!, n)), {});
    if (response.status !== 201) throw new Error(`baseline upload ${n}: ${response.status}`);
  };
  await drive(WARMUP, send);
  return { send, pid, mainThread: false };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** The rounds as one run: median rate, latency quantiles of the median round, CPU per upload over all rounds. */
function combineRounds(runs: Run[]): Run {
  const byRate = [...runs].sort((a, b) => a.rate - b.rate);
  const middle = byRate[Math.floor(byRate.length / 2)]!;
  const mean = (pick: (run: Run) => number | undefined) => (runs.every((run) => pick(run) !== undefined) ? runs.reduce((sum, run) => sum + pick(run)!, 0) / runs.length : undefined);
  return {
    rate: median(runs.map((run) => run.rate)),
    p50: middle.p50,
    p99: middle.p99,
    count: runs.reduce((sum, run) => sum + run.count, 0),
    seconds: runs.reduce((sum, run) => sum + run.seconds, 0),
    serverCpuMsPerUpload: mean((run) => run.serverCpuMsPerUpload),
    serverMainThreadMsPerUpload: mean((run) => run.serverMainThreadMsPerUpload),
  };
}

async function main() {
  await buildIfNeeded();
  const photos = await makeFleetPhotos();
  const meanKb = photos.reduce((sum, photo) => sum + photo.length, 0) / photos.length / 1024;
  console.log(`simulated fleet photos: ${photos.length}, mean ${meanKb.toFixed(0)} KB; ${CLIENTS} clients; ${MEASURED} measured uploads after ${WARMUP} warm-up`);
  const rows: BenchRow[] = [];
  const results: Record<string, { parallax: Run; baseline: Run; ratio: number }> = {};

  const kinds = (process.env.INGEST_BENCH_KINDS ?? "pglite,postgresql").split(",").filter((k): k is "pglite" | "postgresql" => k === "pglite" || k === "postgresql");
  for (const kind of kinds) {
    const work = mkdtempSync(path.join(tmpdir(), `ingest-bench-${kind}-`));
    let databaseUrl = "";
    let baselineDatabaseUrl = "";
    let dropDatabase = async () => {};
    if (kind === "postgresql") {
      const names = [`parallax_bench_${randomBytes(4).toString("hex")}`, `parallax_bench_baseline_${randomBytes(4).toString("hex")}`];
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      try {
        await admin.connect();
        for (const name of names) await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
      } catch (error) {
        console.log(`PostgreSQL at ${POSTGRES_URL} is not available (${(error as Error).message}); skipping it.`);
        rmSync(work, { recursive: true, force: true });
        continue;
      }
      [databaseUrl, baselineDatabaseUrl] = names.map((name) => {
        const url = new URL(POSTGRES_URL);
        url.pathname = `/${name}`;
        return url.toString();
      }) as [string, string];
      dropDatabase = async () => {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      };
    }
    let baseline: Proc | undefined;
    let server: Proc | undefined;
    try {
      // Each server its own database: the baseline's table stays out of Parallax's.
      baseline = await startBaseline(path.join(work, "baseline"), baselineDatabaseUrl || undefined);
      server = await startParallax(path.join(work, "parallax"), databaseUrl);
      const baselineTarget = await prepareBaseline(baseline.url, photos, "a".repeat(64), baseline.pid);
      const parallaxTarget = await prepareParallax(server.url, photos, server.pid);
      const baselineRuns: Run[] = [];
      const parallaxRuns: Run[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const waited = await waitUntilIdle(server.pid);
        if (waited > 2) console.log(`${kind} round ${round}: waited ${waited.toFixed(0)} s for Parallax's reference worker to finish before the baseline round`);
        baselineRuns.push(await measureRound(baselineTarget));
        parallaxRuns.push(await measureRound(parallaxTarget));
        const [b, p] = [baselineRuns.at(-1)!, parallaxRuns.at(-1)!];
        console.log(`${kind} round ${round}: baseline ${b.rate.toFixed(0)}/s, Parallax ${p.rate.toFixed(0)}/s (${((p.rate / b.rate) * 100).toFixed(0)} %), ${p.serverCpuMsPerUpload!.toFixed(1)} ms server CPU per upload, ${p.serverMainThreadMsPerUpload!.toFixed(2)} ms on the main thread; load ${loadavg()[0]!.toFixed(1)}`);
      }
      const baselineRun = combineRounds(baselineRuns);
      const parallaxRun = combineRounds(parallaxRuns);
      const ratios = parallaxRuns.map((run, i) => run.rate / baselineRuns[i]!.rate);
      const ratio = median(ratios);
      results[kind] = { parallax: parallaxRun, baseline: baselineRun, ratio };
      rows.push(
        { metric: `${kind}: Parallax captures/s (median of ${ROUNDS} rounds)`, value: parallaxRun.rate, unit: "/s" },
        { metric: `${kind}: Parallax latency p50 / p99 (median round)`, value: `${parallaxRun.p50.toFixed(0)} / ${parallaxRun.p99.toFixed(0)}`, unit: "ms" },
        { metric: `${kind}: baseline uploads/s (median of ${ROUNDS} rounds)`, value: baselineRun.rate, unit: "/s" },
        { metric: `${kind}: baseline latency p50 / p99 (median round)`, value: `${baselineRun.p50.toFixed(0)} / ${baselineRun.p99.toFixed(0)}`, unit: "ms" },
        { metric: `${kind}: Parallax / baseline (median of the rounds' ratios)`, value: `${(ratio * 100).toFixed(0)} %` },
        { metric: `${kind}:   … each round, baseline → Parallax`, value: baselineRuns.map((b, i) => `${b.rate.toFixed(0)} → ${parallaxRuns[i]!.rate.toFixed(0)}/s (${(ratios[i]! * 100).toFixed(0)} %)`).join(", ") },
        { metric: `${kind}: server CPU per upload, Parallax / baseline`, value: `${parallaxRun.serverCpuMsPerUpload!.toFixed(1)} / ${baselineRun.serverCpuMsPerUpload!.toFixed(1)}`, unit: "ms" },
        { metric: `${kind}: Parallax server main-thread CPU per upload`, value: parallaxRun.serverMainThreadMsPerUpload!, unit: "ms" },
      );
    } catch (error) {
      if (server) console.error(`server output:\n${server.output.join("").slice(-4000)}`);
      throw error;
    } finally {
      await baseline?.stop();
      await server?.stop();
      await dropDatabase().catch(() => {});
      rmSync(work, { recursive: true, force: true });
    }
  }

  const pglite = results.pglite;
  const meetsRate = pglite !== undefined && pglite.parallax.rate >= 100;
  const meetsRatios = Object.values(results).every((r) => r.ratio >= 0.3);
  recordBenchResults({
    name: "ingest",
    description: `${CLIENTS} concurrent clients, each a virtual device of the phone-fleet simulator, upload its rendered photo (camera character and EXIF identity of that device; mean ${meanKb.toFixed(0)} KB, made unique per upload) with two predictions (${WARMUP} warm-up uploads, then ${ROUNDS} rounds of ${MEASURED} measured uploads alternating with the baseline's) to POST /api/v1/captures of the built server (next start), each as its own device; baseline: a bare node:http server streaming the same multipart body to disk (fsync + rename) and inserting one row, same database kind, same run. Client and server share the machine. Per-IP/device rate limits off (all clients share one address).`,
    rows,
    verdict: `${meetsRate ? "meets" : "MISSES"} ≥ 100 captures/s on PGlite (${pglite ? pglite.parallax.rate.toFixed(0) : "n/a"}/s); ${meetsRatios ? "meets" : "MISSES"} ≥ 30 % of the baseline (${Object.entries(results)
      .map(([kind, r]) => `${kind} ${(r.ratio * 100).toFixed(0)} %`)
      .join(", ")})`,
  });
  agent.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
