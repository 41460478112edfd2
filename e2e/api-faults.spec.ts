// Fault test: 10 simulated phones upload 500 captures with retries through a proxy that drops
// connections, answers 503 and cuts uploads off, while the server (embedded PGlite) is killed with
// SIGKILL once and started again. Afterwards: exactly 500 captures, each blob on disk and matching
// its SHA-256, no duplicates, and after cleanup no blob that no row references.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { openDatabase } from "@/lib/db/open-database";
import { findReferencedBlobKeys } from "@/lib/storage/blob-references";
import { startFaultProxy } from "./support/fault-proxy";
import { devicePrediction, makePhoto } from "./support/ingest-api";
import { freePort, startServerProcess, type ServerProcess } from "./support/ingest-server-process";

const DEVICES = 10;
const CAPTURES_PER_DEVICE = 50;
const KILL_AFTER = 200;
const TOKEN = "fault-test-admin-token-0123456789";

type Planned = { clientCaptureId: string; sceneKey: string; bytes: Buffer; sha256: string };

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("500 captures from 10 phones survive dropped connections, 503s and a kill -9 of the server", async () => {
  test.setTimeout(600_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), "parallax-faults-"));
  const port = await freePort();
  const env = { PARALLAX_ADMIN_TOKEN: TOKEN, PARALLAX_ADMIN_PASSWORD: "fault-test-password", PARALLAX_DEMO: "0", RATE_LIMIT_IP_PER_MINUTE: "0", RATE_LIMIT_DEVICE_PER_MINUTE: "0", RATE_LIMIT_JOIN_PER_MINUTE: "0" };
  let server: ServerProcess = await startServerProcess({ dataDir, port, env });
  const proxy = await startFaultProxy({ target: () => port, seed: 20261125, listenPort: await freePort() });
  // Straight to the server (no faults); one retry covers a keep-alive connection the server closed as it was reused.
  const direct = async (p: string, init: RequestInit = {}): Promise<Response> => {
    const send = () => fetch(`${server.url}${p}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...init.headers } });
    try {
      return await send();
    } catch {
      return send();
    }
  };
  const started = Date.now();
  const phase = (name: string) => console.log(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  try {
    const study = (await (await direct("/api/v1/studies", { method: "POST", body: JSON.stringify({ name: "fault test" }) })).json()) as { id: string; code: string; study: { model: { sha256: string } } };
    const phones = await Promise.all(
      Array.from({ length: DEVICES }, async () => (await (await fetch(`${server.url}/api/v1/join/${study.code}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json()) as { deviceToken: string }),
    );
    const plans: Planned[][] = [];
    for (let d = 0; d < DEVICES; d++) {
      const list: Planned[] = [];
      for (let c = 0; c < CAPTURES_PER_DEVICE; c++) {
        const seed = d * 1000 + c;
        const bytes = await makePhoto(seed, c % 3 === 0 ? { make: "Google", model: `Pixel ${d}`, gps: { latitude: 40 + d, longitude: c } } : { make: "Google", model: `Pixel ${d}` });
        list.push({ clientCaptureId: randomUUID(), sceneKey: `scene-${c % 20}`, bytes, sha256: sha256(bytes) });
      }
      plans.push(list);
    }

    let acknowledged = 0;
    let duplicatesAnswered = 0;
    let retries = 0;
    let killed = false;
    let restart: Promise<void> | undefined;
    const acked = new Map<string, { id: string; originalSha256: string }>();
    const maybeKill = () => {
      if (killed || acknowledged < KILL_AFTER) return;
      killed = true;
      restart = (async () => {
        phase(`kill -9 after ${acknowledged} acknowledged`);
        await server.kill9();
        await sleep(500);
        server = await startServerProcess({ dataDir, port, env });
        phase("restarted");
      })();
    };

    async function uploadWithRetries(token: string, modelSha: string, plan: Planned): Promise<void> {
      const meta = { clientCaptureId: plan.clientCaptureId, sceneKey: plan.sceneKey, captureMethod: "native-camera", predictions: [devicePrediction(modelSha)] };
      for (let attempt = 0; attempt < 200; attempt++) {
        const form = new FormData();
        form.append("meta", JSON.stringify(meta));
        form.append("image", new Blob([new Uint8Array(plan.bytes)], { type: "image/jpeg" }), "photo.jpg");
        try {
          const response = await fetch(`http://127.0.0.1:${proxy.port}/api/v1/captures`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form, signal: AbortSignal.timeout(20_000) });
          const text = await response.text();
          if (response.status === 200 || response.status === 201) {
            const body = JSON.parse(text) as { duplicate: boolean; capture: { id: string; clientCaptureId: string; originalSha256: string } };
            expect(body.capture.clientCaptureId).toBe(plan.clientCaptureId);
            if (body.duplicate) duplicatesAnswered += 1;
            acked.set(plan.clientCaptureId, { id: body.capture.id, originalSha256: body.capture.originalSha256 });
            acknowledged += 1;
            maybeKill();
            return;
          }
          if (response.status < 500 && response.status !== 429) throw new Error(`refused for good: ${response.status} ${text}`);
        } catch (error) {
          if ((error as Error).message.startsWith("refused for good")) throw error;
        }
        retries += 1;
        await sleep(Math.min(1000, 25 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()));
      }
      throw new Error(`capture ${plan.clientCaptureId} was never acknowledged`);
    }

    await Promise.all(
      phones.map(async (phone, d) => {
        for (const plan of plans[d]!) await uploadWithRetries(phone.deviceToken, study.study.model.sha256, plan);
      }),
    );
    await restart;
    phase("all acknowledged");

    // The faults really happened.
    expect(killed).toBe(true);
    for (const fault of ["drop-before", "503-before", "drop-after", "503-after", "cut-upload", "server-down"] as const) {
      expect(proxy.counts[fault], `${fault} injected`).toBeGreaterThan(0);
    }
    expect(duplicatesAnswered, "retries of stored captures were answered as duplicates").toBeGreaterThan(0);
    console.log(`faults: ${JSON.stringify(proxy.counts)}; retries ${retries}; duplicate answers ${duplicatesAnswered}`);

    // Exactly 500 captures, once each, with the bytes each phone sent.
    const planned = new Map(plans.flat().map((plan) => [plan.clientCaptureId, plan]));
    const stored: Array<{ id: string; clientCaptureId: string; sha256: string; originalSha256: string; hadLocation: boolean }> = [];
    let cursor: string | null = null;
    do {
      const page = (await (await direct(`/api/v1/studies/${study.id}/captures?limit=500${cursor ? `&cursor=${cursor}` : ""}`)).json()) as { items: typeof stored; nextCursor: string | null };
      stored.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(stored).toHaveLength(DEVICES * CAPTURES_PER_DEVICE);
    expect(new Set(stored.map((c) => c.clientCaptureId)).size).toBe(DEVICES * CAPTURES_PER_DEVICE);
    const storage = (await (await direct("/api/v1/admin/storage")).json()) as { rows: Record<string, number>; blobs: { count: number } };
    expect(storage.rows.Capture).toBe(DEVICES * CAPTURES_PER_DEVICE);
    expect(storage.rows["Prediction.device"]).toBe(DEVICES * CAPTURES_PER_DEVICE);
    for (const capture of stored) {
      const plan = planned.get(capture.clientCaptureId)!;
      expect(capture.originalSha256).toBe(plan.sha256);
      expect(acked.get(capture.clientCaptureId)?.id).toBe(capture.id);
      const file = path.join(dataDir, "blobs", capture.sha256.slice(0, 2), capture.sha256.slice(2, 4), capture.sha256);
      expect(existsSync(file), `blob of ${capture.id}`).toBe(true);
      expect(sha256(readFileSync(file))).toBe(capture.sha256);
    }
    expect(stored.filter((c) => c.hadLocation).length).toBe(DEVICES * Math.ceil(CAPTURES_PER_DEVICE / 3));

    // Cut-off uploads and the kill may have left blobs without rows or temporary files: cleanup takes them.
    const cleanup = (await (await direct("/api/v1/admin/blobs/cleanup?graceSeconds=0", { method: "POST" })).json()) as Record<string, number>;
    console.log(`cleanup: ${JSON.stringify(cleanup)}`);
    const onDisk = readdirSync(path.join(dataDir, "blobs"), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(onDisk.filter((entry) => path.basename(entry.parentPath) === ".tmp"), "temporary files left").toEqual([]);
    const keysOnDisk = onDisk.map((entry) => entry.name);
    for (const capture of stored) expect(keysOnDisk).toContain(capture.sha256);

    // With the server stopped, the embedded database opens again and every blob left has its row.
    await server.stop();
    const database = await openDatabase({ kind: "embedded", dataDir });
    try {
      expect((await database.sql.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM "Capture"`))[0]!.n).toBe(DEVICES * CAPTURES_PER_DEVICE);
      const referenced = await findReferencedBlobKeys(database.sql, keysOnDisk);
      expect(keysOnDisk.filter((key) => !referenced.has(key)), "orphan blobs after cleanup").toEqual([]);
    } finally {
      await database.close();
    }
  } catch (error) {
    console.log(`server output:\n${server.output.join("").slice(-5000)}`);
    throw error;
  } finally {
    await proxy.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
