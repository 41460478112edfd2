// model:add and model:fetch as a user runs them: real processes, a throw-away DATA_DIR with the
// embedded database, and a local HTTP server standing in for the model zoo.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const fixtures = path.join(root, "lib", "models", "test-fixtures");
const realModels = path.resolve(process.cwd(), "../shared/models-real");
let work: string;

function run(script: string, args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", path.join(root, "scripts", script), ...args], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", NODE_ENV: "test" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "parallax-model-cli-"));
  writeFileSync(path.join(work, "ten.txt"), Array.from({ length: 10 }, (_, i) => `class ${i}`).join("\n"));
  writeFileSync(path.join(work, "five.txt"), Array.from({ length: 5 }, (_, i) => `class ${i}`).join("\n"));
  writeFileSync(path.join(work, "notes.onnx"), "just some notes, not a model\n");
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm run model:add", { timeout: 120_000 }, () => {
  const dataDir = () => path.join(work, "data-add");

  it("rejects a file that is not ONNX, with a clear message", async () => {
    const result = await run("model-add.ts", [path.join(work, "notes.onnx"), "--labels", path.join(work, "ten.txt")], dataDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^model:add: The file is not an ONNX model that onnxruntime can load \(.+\)\.$/m);
  });

  it("rejects a model whose output size differs from the label count", async () => {
    const result = await run("model-add.ts", [path.join(fixtures, "tiny-classifier-10.onnx"), "--labels", path.join(work, "five.txt")], dataDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('model:add: The model\'s output "scores" has 10 scores but 5 labels were given; they must match one to one.');
  });

  it("rejects a model with an unsupported input", async () => {
    const result = await run("model-add.ts", [path.join(fixtures, "rank2-input.onnx"), "--labels", path.join(work, "ten.txt"), "--preset", "generic"], dataDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('model:add: Unsupported input: "features" has shape [1, 10]');
  });

  it("adds a valid model once", async () => {
    const args = [path.join(fixtures, "tiny-classifier-10.onnx"), "--labels", path.join(work, "ten.txt"), "--name", "Tiny ten", "--preset", "generic"];
    const first = await run("model-add.ts", args, dataDir());
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(/^Added Tiny ten — id .+ input image NCHW 8×8, 10 classes, file \/m\/[0-9a-f]{64}\.onnx$/m);
    const second = await run("model-add.ts", args, dataDir());
    expect(second.stdout).toMatch(/^Already registered: Tiny ten/m);
  });
});

describe("npm run model:fetch", { timeout: 120_000 }, () => {
  let server: Server;
  let base: string;
  const served = new Map<string, Buffer>();

  beforeAll(async () => {
    server = createServer((request, response) => {
      const body = served.get(path.basename(request.url ?? ""));
      if (!body) return response.writeHead(404).end();
      response.writeHead(200, { "Content-Length": body.length });
      // Two halves, so the progress bar has something to show.
      response.write(body.subarray(0, body.length >> 1));
      setTimeout(() => response.end(body.subarray(body.length >> 1)), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/zoo/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("offline: one clear sentence, nothing changed", async () => {
    const dataDir = path.join(work, "data-offline");
    // A port nobody listens on: take a free one and close it again.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const address = probe.address();
    const port = typeof address === "object" && address ? address.port : 1;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const result = await run("model-fetch.ts", ["mobilenetv2", "--mirror", `http://127.0.0.1:${port}/zoo/`], dataDir);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^model:fetch: Could not reach 127\.0\.0\.1:\d+ to download synset\.txt \(ECONNREFUSED\); check the network connection, nothing was changed\.$/);
    expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
  });

  it("refuses a download whose SHA-256 is not the pinned one", async () => {
    served.set("synset.txt", Buffer.from("n00000001 not the real labels\n"));
    const result = await run("model-fetch.ts", ["mobilenetv2", "--mirror", base], path.join(work, "data-bad"));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/model:fetch: synset\.txt from 127\.0\.0\.1:\d+ has SHA-256 [0-9a-f]{12}…, not the pinned acf75ef0abe8…; it was refused and nothing was changed\./);
  });

  it.skipIf(!existsSync(path.join(realModels, "mobilenetv2-12-int8.onnx")))("downloads, verifies and registers MobileNetV2 with a progress display", async () => {
    served.set("synset.txt", readFileSync(path.join(realModels, "synset.txt")));
    served.set("mobilenetv2-12-int8.onnx", readFileSync(path.join(realModels, "mobilenetv2-12-int8.onnx")));
    const result = await run("model-fetch.ts", ["mobilenetv2", "--mirror", base], path.join(work, "data-fetch"));
    expect(result.stderr).toContain("mobilenetv2-12-int8.onnx: 100% (3.5 MiB)");
    expect(result.stdout).toMatch(/^Added MobileNetV2 int8 \(ONNX Model Zoo\) — id .+ sha256 cc028fe6cae7…, 1000 classes/m);
    expect(result.code).toBe(0);
  });
});
