// Export benchmark: 5 000 generated camera JPEGs (~200 KB each, ~1 GB) stored through the blob
// store and the embedded database, exported through GET /api/v1/studies/{id}/export of the real
// built server (next start), against a plain sequential read of the same blob files in the same
// run. Reports MB/s of both and their ratio, time to the first byte, and the server's peak RSS
// during the export (VmRSS sampled every 25 ms; VmHWM for the whole process life). Targets: ≥ 50 %
// of the plain read's throughput and peak RSS < 300 MB. EXPORT_BENCH_IMAGES overrides the count.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { applyMigrations } from "@/lib/db/migrate";
import { openDatabase } from "@/lib/db/open-database";
import { readZipDirectory } from "@/lib/export/read-zip";
import { ensureBuiltinModels } from "@/lib/models/builtin-models";
import { LocalBlobStore } from "@/lib/storage/local-blob-store";
import { buildIfNeeded } from "../scripts/lib/build-if-needed";
import { freePort } from "../scripts/lib/free-port";
import { processTree, residentKb } from "../scripts/lib/proc-stats";
import { serverProcessArgs, serverProcessEnv } from "../scripts/lib/server-process-env";
import { recordBenchResults } from "./lib/record-results";

const IMAGES = Number(process.env.EXPORT_BENCH_IMAGES ?? 5000);
const DEVICE_MODELS = 5;
const ADMIN_TOKEN = "export-bench-admin-token-0123456789";
const STUDY = "export-bench-study";
const MB = 1024 * 1024;

process.env.PARALLAX_DIST_DIR ||= ".next-bench";

/** ~200 KB camera-like JPEGs (noise keeps them from compressing away), a few distinct bases. */
async function makeBasePhotos(count: number): Promise<Buffer[]> {
  const width = 800;
  const height = 600;
  const photos: Buffer[] = [];
  for (let n = 0; n < count; n++) {
    const raw = randomBytes(width * height * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = (raw[i]! >> 3) + ((i % (width * 3)) >> 4) + 40 + n * 7;
    let quality = 96;
    let jpeg = await sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
    while (jpeg.length > 215_000 && quality > 20) {
      quality -= 2;
      jpeg = await sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
    }
    photos.push(jpeg);
  }
  return photos;
}

/** The photo with a unique JPEG comment segment, so every capture is a distinct blob. */
function uniquePhoto(photo: Buffer, n: number): Buffer {
  const text = Buffer.from(`export-bench-${n.toString().padStart(10, "0")}`, "latin1");
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([photo.subarray(0, 2), segment, text, photo.subarray(2)]);
}

/** Stores IMAGES photos and their rows: scenes of DEVICE_MODELS captures each, every scene divergent. */
async function populate(dataDir: string): Promise<{ blobKeys: string[]; bytes: number }> {
  const blobs = new LocalBlobStore(path.join(dataDir, "blobs"));
  const database = await openDatabase({ kind: "embedded", dataDir });
  const { sql } = database;
  await applyMigrations(sql);
  // What an earlier start of the server did (register the built-in models), so the measured server
  // is a restarted one holding a collected study: nothing in it needs onnxruntime or sharp.
  await ensureBuiltinModels(database.prisma, blobs);
  const labels = Array.from({ length: 10 }, (_, i) => `class ${i}`);
  await sql.query(
    `INSERT INTO "Model" (id, name, sha256, "blobKey", "sizeBytes", "inputName", "outputName", layout, "inputWidth", "inputHeight", preprocessing, labels, "numClasses")
     VALUES ('bench-model', 'bench model', $1, $1, 0, 'input', 'output', 'NCHW', 224, 224, '{}'::jsonb, $2::jsonb, 10)`,
    ["f".repeat(64), JSON.stringify(labels)],
  );
  await sql.query(`INSERT INTO "Study" (id, name, code, "modelId", "consentText") VALUES ($1, 'Export bench', 'exportbench', 'bench-model', 'Bench.')`, [STUDY]);
  const scenes = Math.ceil(IMAGES / DEVICE_MODELS);
  await sql.query(`INSERT INTO "Scene" (id, "studyId", key, position) SELECT 'scene-' || i, $1, 'scene-' || lpad(i::text, 5, '0'), i FROM generate_series(0, $2::int - 1) AS i`, [STUDY, scenes]);
  await sql.query(
    `INSERT INTO "Device" (id, "studyId", "tokenHash", "deviceModelKey", "deviceModelSource", "isSimulated")
     SELECT 'device-' || i, $1, 'bench-token-' || i, 'model-' || i, 'user-agent', true FROM generate_series(0, $2::int - 1) AS i`,
    [STUDY, DEVICE_MODELS],
  );
  const bases = await makeBasePhotos(8);
  const blobKeys: string[] = [];
  let bytes = 0;
  const started = performance.now();
  for (let start = 0; start < IMAGES; start += 250) {
    const ids: string[] = [];
    const rows: { id: string; scene: string; device: string; key: string; size: number; top1: number }[] = [];
    for (let n = start; n < Math.min(IMAGES, start + 250); n++) {
      const photo = uniquePhoto(bases[n % bases.length]!, n);
      const stored = await blobs.put(photo);
      blobKeys.push(stored.key);
      bytes += photo.length;
      const model = n % DEVICE_MODELS;
      ids.push(`capture-${n}`);
      // Device model 0 always votes differently from the others: every scene is unstable.
      rows.push({ id: `capture-${n}`, scene: `scene-${Math.floor(n / DEVICE_MODELS)}`, device: `device-${model}`, key: stored.key, size: photo.length, top1: model === 0 ? 1 : 2 });
    }
    await sql.query(
      `INSERT INTO "Capture" (id, "studyId", "clientCaptureId", "sceneId", "deviceId", "deviceModelKey", "captureMethod", "blobKey", sha256, "originalSha256", "sizeBytes", width, height, mime, "referenceStatus")
       SELECT id, $1, id, scene, device, 'model-' || substr(device, 8), 'native-camera', key, key, key, size, 800, 600, 'image/jpeg', 'skipped'
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[]) AS t(id, scene, device, key, size)`,
      [STUDY, rows.map((r) => r.id), rows.map((r) => r.scene), rows.map((r) => r.device), rows.map((r) => r.key), rows.map((r) => r.size)],
    );
    const top = (top1: number) => JSON.stringify([0, 1, 2, 3, 4].map((i) => ({ index: (top1 + i) % 10, label: labels[(top1 + i) % 10], prob: [0.6, 0.2, 0.1, 0.06, 0.04][i] })));
    await sql.query(
      `INSERT INTO "Prediction" ("captureId", "studyId", source, variant, backend, runtime, "modelSha256", top, "top1Index", "top1Prob", "preprocessingId")
       SELECT id, $1, 'device', 'original', 'wasm', 'onnxruntime-web', $2, top::jsonb, top1, 0.6, 'bench' FROM unnest($3::text[], $4::text[], $5::int[]) AS t(id, top, top1)`,
      [STUDY, "f".repeat(64), rows.map((r) => r.id), rows.map((r) => top(r.top1)), rows.map((r) => r.top1)],
    );
    process.stdout.write(`\rgenerated ${Math.min(IMAGES, start + 250)}/${IMAGES} photos (${(bytes / MB).toFixed(0)} MB, ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  process.stdout.write("\n");
  await database.close();
  return { blobKeys, bytes };
}

/** The plain baseline: every blob file read sequentially, start to end, in 256 KB chunks. */
async function plainRead(blobs: LocalBlobStore, keys: string[]): Promise<{ bytes: number; seconds: number }> {
  const started = performance.now();
  let bytes = 0;
  for (const key of keys) {
    for await (const chunk of createReadStream(blobs.pathOf(key), { highWaterMark: 256 * 1024 })) bytes += (chunk as Buffer).length;
  }
  return { bytes, seconds: (performance.now() - started) / 1000 };
}

async function startServer(dataDir: string): Promise<{ url: string; pid: number; child: ChildProcess; output: string[] }> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, serverProcessArgs(["start", "-p", String(port), "-H", "127.0.0.1"]), {
    // The server's process settings are npm start's (scripts/lib/server-process-env.ts).
    env: serverProcessEnv(process.env, { NODE_ENV: "production", DATA_DIR: dataDir, DATABASE_URL: "", PARALLAX_ADMIN_TOKEN: ADMIN_TOKEN, PARALLAX_ADMIN_PASSWORD: "bench-password", PARALLAX_DEMO: "0" }),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout!.on("data", (c) => output.push(String(c)));
  child.stderr!.on("data", (c) => output.push(String(c)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output.join("")}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // starting
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url}:\n${output.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return { url, pid: child.pid!, child, output };
}

/** Downloads the export to a file (the client writes what it receives, as the CLI does). */
function downloadExport(url: string, file: string): Promise<{ bytes: number; seconds: number; firstByteMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByteMs = -1;
    let bytes = 0;
    const request = http.get(url, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`export answered ${response.statusCode}`));
      const out = createWriteStream(file);
      response.on("data", (chunk: Buffer) => {
        if (firstByteMs < 0) firstByteMs = performance.now() - started;
        bytes += chunk.length;
      });
      response.pipe(out);
      out.on("finish", () => resolve({ bytes, seconds: (performance.now() - started) / 1000, firstByteMs }));
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

async function main() {
  await buildIfNeeded();
  const work = mkdtempSync(path.join(tmpdir(), "export-bench-"));
  const dataDir = path.join(work, "data");
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const { blobKeys, bytes } = await populate(dataDir);
    console.log(`stored ${blobKeys.length} photos, ${(bytes / MB).toFixed(0)} MB`);
    server = await startServer(dataDir);
    const { url, pid } = server;
    // Warm the route (first request compiles nothing in production, but opens the database and modules).
    await fetch(`${url}/api/v1/studies/${STUDY}/export?estimate=1`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });

    const blobs = new LocalBlobStore(path.join(dataDir, "blobs"));
    // Both read the same files; the first pass of each is from the page cache after generation.
    const plain = await plainRead(blobs, blobKeys);
    const plainMbps = plain.bytes / MB / plain.seconds;
    console.log(`plain sequential read: ${(plain.bytes / MB).toFixed(0)} MB in ${plain.seconds.toFixed(2)} s = ${plainMbps.toFixed(0)} MB/s`);

    let peakRssKb = 0;
    const rssBefore = processTree(pid).reduce((sum, p) => sum + residentKb(p, "VmRSS"), 0);
    const tree = processTree(pid);
    const sampler = setInterval(() => {
      peakRssKb = Math.max(peakRssKb, tree.reduce((sum, p) => sum + residentKb(p, "VmRSS"), 0));
    }, 25);
    const zipFile = path.join(work, "export.zip");
    const exported = await downloadExport(`${url}/api/v1/studies/${STUDY}/export?divergentOnly=true`, zipFile);
    clearInterval(sampler);
    const hwmKb = tree.reduce((sum, p) => sum + residentKb(p, "VmHWM"), 0);
    const exportMbps = exported.bytes / MB / exported.seconds;
    const entries = await readZipDirectory(zipFile);
    const images = entries.filter((entry) => entry.name.startsWith("images/")).length;
    if (images !== IMAGES) throw new Error(`the export holds ${images} photos, expected ${IMAGES}`);
    console.log(`export: ${(exported.bytes / MB).toFixed(0)} MB in ${exported.seconds.toFixed(2)} s = ${exportMbps.toFixed(0)} MB/s, first byte after ${exported.firstByteMs.toFixed(0)} ms`);

    const ratio = exportMbps / plainMbps;
    const peakMb = peakRssKb / 1024;
    recordBenchResults({
      name: "export",
      description: `GET /api/v1/studies/{id}/export?divergentOnly=true of the built server (next start with npm start's process settings, embedded PGlite; a restarted server: the built-in models were registered before) for ${IMAGES} generated ~${(bytes / IMAGES / 1024).toFixed(0)} KB JPEGs (${(bytes / MB).toFixed(0)} MB, every scene divergent), downloaded over loopback to a file; baseline: a plain sequential read of the same blob files (256 KB chunks) in the same run. Both read from the page cache (the files were just written). Peak RSS: the server process tree's VmRSS sampled every 25 ms during the export.`,
      rows: [
        { metric: "photos exported", value: images },
        { metric: "archive size", value: exported.bytes / MB, unit: "MB" },
        { metric: "export throughput", value: exportMbps, unit: "MB/s" },
        { metric: "plain read throughput", value: plainMbps, unit: "MB/s" },
        { metric: "export / plain read", value: `${(ratio * 100).toFixed(0)} %` },
        { metric: "time to first byte", value: exported.firstByteMs, unit: "ms" },
        { metric: "server RSS before / peak during export", value: `${(rssBefore / 1024).toFixed(0)} / ${peakMb.toFixed(0)}`, unit: "MB" },
        { metric: "RSS added by the export (peak − before)", value: (peakRssKb - rssBefore) / 1024, unit: "MB" },
        { metric: "server VmHWM (whole life)", value: hwmKb / 1024, unit: "MB" },
      ],
      verdict: `${ratio >= 0.5 ? "meets" : "MISSES"} ≥ 50 % of the plain read (${(ratio * 100).toFixed(0)} %); ${peakMb < 300 ? "meets" : "MISSES"} peak RSS < 300 MB (${peakMb.toFixed(0)} MB, of which ${(rssBefore / 1024).toFixed(0)} MB before the export started: the idle server with PGlite and Next.js)`,
    });
  } catch (error) {
    if (server) console.error(`server output:\n${server.output.join("").slice(-4000)}`);
    throw error;
  } finally {
    if (server && server.child.exitCode === null) {
      const child = server.child;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        process.kill(-child.pid!, "SIGTERM");
        setTimeout(() => child.exitCode === null && process.kill(-child.pid!, "SIGKILL"), 10_000).unref();
      });
    }
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
