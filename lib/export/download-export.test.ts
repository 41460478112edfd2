// The export CLI against a local HTTP server that plays the API: a download with progress, a
// complete file not fetched again, a broken-off download resumed by re-running, and one-sentence
// errors for offline, 401, 404; plus the real script's exit codes.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { downloadExport, ExportCliError } from "./download-export";
import { readZipDirectory, readZipEntry } from "./read-zip";
import { generateZip, type ZipEntry } from "./zip-stream";

const TOKEN = "researcher-token-for-tests";
const photo = randomBytes(200_000);
let archive: Buffer;
let server: Server;
let base: string;
let dir: string;
let mode: "ok" | "break" = "ok";
const requests: string[] = [];

async function buildArchive(): Promise<Buffer> {
  const entries: ZipEntry[] = [
    { name: "images/s1/pixel-7__c1.jpg", data: photo },
    { name: "images/s1/iphone__c2.jpg", data: photo.subarray(0, 100_000) },
    { name: "metadata.jsonl", data: '{"file_name":"images/s1/pixel-7__c1.jpg"}\n{"file_name":"images/s1/iphone__c2.jpg"}\n' },
    { name: "predictions.csv", data: "capture_id\r\n" },
    { name: "scenes.csv", data: "scene_key\r\n" },
    { name: "README.md", data: "# Export\n" },
  ];
  const parts: Buffer[] = [];
  for await (const chunk of generateZip(entries)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

function sendError(res: ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { code, message } }));
}

beforeAll(async () => {
  archive = await buildArchive();
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(url.pathname + url.search);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return sendError(res, 401, "unauthorized", "Sign in first.");
    const match = /^\/api\/v1\/studies\/([^/]+)\/export$/.exec(url.pathname);
    if (!match || match[1] !== "study-1") return sendError(res, 404, "not_found", "No study.");
    if (url.searchParams.get("estimate") === "1") {
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(JSON.stringify({ studyId: "study-1", divergentOnly: true, images: true, scenes: 1, captures: 2, deviceModels: 2, imageBytes: 300_000, estimatedBytes: archive.length }));
    }
    res.writeHead(200, { "Content-Type": "application/zip" });
    if (mode === "break") {
      // Half the archive, then the connection drops.
      res.write(archive.subarray(0, archive.length / 2), () => res.socket?.destroy());
      return;
    }
    // In pieces, as a streamed export arrives.
    let at = 0;
    const step = () => {
      if (at >= archive.length) return res.end();
      res.write(archive.subarray(at, at + 64 * 1024), step);
      at += 64 * 1024;
    };
    step();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "parallax-export-cli-"));
  mode = "ok";
  requests.length = 0;
  return () => rmSync(dir, { recursive: true, force: true });
});

function captureOutput() {
  let text = "";
  return { stream: { write: (chunk: string) => (text += chunk), isTTY: false }, text: () => text };
}

const query = new URLSearchParams({ divergentOnly: "true" });

describe("downloadExport", () => {
  it("downloads into FILE.part, shows bytes and files, checks the archive and renames it", async () => {
    const out = path.join(dir, "set.zip");
    const output = captureOutput();
    const result = await downloadExport({ server: base, token: TOKEN, studyId: "study-1", query, out, stderr: output.stream });
    expect(result).toMatchObject({ status: "downloaded", files: 6, bytes: archive.length });
    expect(readFileSync(out).equals(archive)).toBe(true);
    expect(existsSync(`${out}.part`)).toBe(false);
    expect(requests).toEqual(["/api/v1/studies/study-1/export?divergentOnly=true&estimate=1", "/api/v1/studies/study-1/export?divergentOnly=true"]);
    expect(output.text()).toContain("1 scenes, 2 photos from 2 device models");
    expect(output.text()).toMatch(/100% 0\.\d MB of ~0\.\d MB · 6\/6 files/);
    expect(output.text()).toContain(`Wrote ${out}: 6 files`);
    const entries = await readZipDirectory(out);
    expect((await readZipEntry(out, entries[0]!)).equals(photo)).toBe(true);
  });

  it("does not download a complete file again", async () => {
    const out = path.join(dir, "set.zip");
    writeFileSync(out, archive);
    const output = captureOutput();
    const result = await downloadExport({ server: base, token: TOKEN, studyId: "study-1", query, out, stderr: output.stream });
    expect(result.status).toBe("already-complete");
    expect(requests).toEqual([]);
    expect(output.text()).toBe(`${out} is already complete (6 files, 0.3 MB); nothing to download.\n`);
  });

  it("leaves no FILE.zip when the download breaks off, and completes when run again", async () => {
    const out = path.join(dir, "set.zip");
    mode = "break";
    const failed = downloadExport({ server: base, token: TOKEN, studyId: "study-1", query, out, stderr: captureOutput().stream });
    await expect(failed).rejects.toThrow(ExportCliError);
    await expect(failed).rejects.toThrow(/run the same command again/);
    expect(existsSync(out)).toBe(false);
    mode = "ok";
    const result = await downloadExport({ server: base, token: TOKEN, studyId: "study-1", query, out, stderr: captureOutput().stream });
    expect(result.status).toBe("downloaded");
    expect(readFileSync(out).equals(archive)).toBe(true);
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it("refuses to overwrite a file at --out that is not a complete export", async () => {
    const out = path.join(dir, "set.zip");
    writeFileSync(out, archive.subarray(0, 1000));
    await expect(downloadExport({ server: base, token: TOKEN, studyId: "study-1", query, out, stderr: captureOutput().stream })).rejects.toThrow(
      `${out} exists but is not a complete Parallax export; remove it or choose another --out.`,
    );
  });

  it.each([
    ["a wrong token", { token: "wrong" }, /^The server at .* refused the credentials \(401\): pass a researcher API token with --token or set PARALLAX_ADMIN_TOKEN\.$/],
    ["an unknown study", { studyId: "nope" }, /^There is no study with id nope on .* \(404\)\.$/],
    ["a server that is not running", { server: "http://127.0.0.1:9" }, /^Cannot reach the Parallax server at http:\/\/127\.0\.0\.1:9: is it running \(npm start\), or is --server wrong\?$/],
  ])("says in one sentence what is wrong with %s", async (_, override, message) => {
    const out = path.join(dir, "set.zip");
    await expect(downloadExport({ server: base, token: TOKEN, studyId: "study-1", query, out, stderr: captureOutput().stream, ...override })).rejects.toThrow(message);
    expect(existsSync(out)).toBe(false);
  });
});

describe("npm run export", () => {
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/export.ts", ...args], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { ...process.env, PARALLAX_ADMIN_TOKEN: TOKEN },
    }).then(
      (done) => ({ code: 0, stderr: done.stderr }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  it("downloads with the admin token, exits 0, and exits 1 with one sentence on a 404", async () => {
    const out = path.join(dir, "cli.zip");
    const ok = await run(["--study", "study-1", "--divergent-only", "--out", out, "--server", base]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(out).equals(archive)).toBe(true);
    const again = await run(["--study", "study-1", "--divergent-only", "--out", out, "--server", base]);
    expect(again.stderr).toContain("is already complete");
    const missing = await run(["--study", "nope", "--out", path.join(dir, "x.zip"), "--server", base]);
    expect(missing).toEqual({ code: 1, stderr: `There is no study with id nope on ${base} (404).\n` });
  }, 60_000);
});
