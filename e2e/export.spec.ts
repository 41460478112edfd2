// Dataset export from the researcher's export page, on a study the fleet simulator filled through
// the real API: sign in through /signin, the page opens with "divergent scenes only" on, the
// estimate equals the API's divergent scenes, the download shows progress and saves a ZIP whose
// scenes are exactly the gallery API's unstable scenes, whose photos match their SHA-256 and whose
// metadata.jsonl follows the imagefolder rules. The API refuses visitors. Screenshots at 1440 and
// 390 px wide are kept as artefacts (test-results/e2e-artifacts/…/export-*.png).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { checkImagefolderLayout } from "../lib/export/check-imagefolder-layout";
import { readZipDirectory, readZipEntry } from "../lib/export/read-zip";
import { E2E_ADMIN_TOKEN } from "../playwright.config";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./support/ingest-api";

const run = promisify(execFile);
const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
let studyId = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ baseURL }) => {
  test.setTimeout(300_000);
  const out = path.join(mkdtempSync(path.join(tmpdir(), "parallax-export-e2e-")), "truth.json");
  await run(
    process.execPath,
    [
      "node_modules/tsx/dist/cli.mjs",
      "--conditions=react-server",
      "scripts/simulate.ts",
      ...["--server", baseURL!, "--token", E2E_ADMIN_TOKEN, "--new", "--devices", "5", "--scenes", "16", "--seed", "export-e2e", "--photo-size", "240", "--out", out],
    ],
    { timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
  );
  studyId = (JSON.parse(readFileSync(out, "utf8")) as { server: { studyId: string } }).server.studyId;
});

async function signInTo(page: Page, target: string) {
  await page.goto(target);
  await expect(page).toHaveURL(/\/signin\?next=/);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`${target}$`));
}

async function expectNoSidewaysScroll(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${what} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

test("a researcher exports the divergent scenes from the export page and gets a loadable dataset", async ({ page, request }, testInfo) => {
  const report = (await (await request.get(`/api/v1/studies/${studyId}/instability`, { headers: auth })).json()) as { unstableScenes: number };
  const gallery = (await (await request.get(`/api/v1/studies/${studyId}/analytics/scenes?show=unstable&pageSize=100`, { headers: auth })).json()) as {
    total: number;
    scenes: { sceneKey: string; votesByModel: { captures: number }[] }[];
  };
  expect(report.unstableScenes).toBeGreaterThan(0);
  expect(gallery.total).toBe(report.unstableScenes);

  const target = `/studies/${studyId}/export`;
  await signInTo(page, target);
  await expect(page.getByRole("heading", { name: "Export a dataset" })).toBeVisible();
  await expect(page.getByLabel(/Divergent scenes only/)).toBeChecked();
  await expect(page.getByLabel(/Include photos/)).toBeChecked();
  const estimate = page.getByTestId("export-estimate");
  await expect(estimate.locator("dd").first()).toHaveText(String(report.unstableScenes));
  const photos = gallery.scenes.reduce((sum, scene) => sum + scene.votesByModel.reduce((n, vote) => n + vote.captures, 0), 0);
  await expect(estimate.locator("dd").nth(1)).toHaveText(photos.toLocaleString("en"));
  await expect(page.getByTestId("export-size")).toContainText(/≈ [\d.]+ (KB|MB)/);
  await expectNoSidewaysScroll(page, "export page at 1440");
  await page.screenshot({ path: testInfo.outputPath("export-1440.png"), fullPage: true });

  // A slow network (CDP throttling) so the progress can be seen and photographed mid-download.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: 80 * 1024, uploadThroughput: -1 });
  const downloadEvent = page.waitForEvent("download");
  await page.getByTestId("export-download").click();
  const progress = page.getByTestId("export-progress");
  await expect(progress.locator("progress")).toBeVisible();
  await expect(progress).toContainText(/[\d.]+ (B|KB) of ≈ [\d.]+ KB · \d+ of \d+ files · [\d.]+ (B|KB|MB)\/s/);
  await page.screenshot({ path: testInfo.outputPath("export-1440-progress.png"), fullPage: true });
  const download = await downloadEvent;
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(page.getByTestId("export-done")).toContainText(`${photos + 4} files`);
  expect(download.suggestedFilename()).toMatch(/-divergent-\d{8}-\d{6}\.zip$/);
  const file = testInfo.outputPath("export.zip");
  await download.saveAs(file);
  await page.screenshot({ path: testInfo.outputPath("export-1440-done.png"), fullPage: true });

  // The archive: exactly the gallery's unstable scenes, photos byte-identical, imagefolder rules.
  const entries = await readZipDirectory(file);
  const names = entries.map((entry) => entry.name);
  expect(names).toEqual(expect.arrayContaining(["metadata.jsonl", "predictions.csv", "scenes.csv", "README.md"]));
  const read = async (name: string) => readZipEntry(file, entries.find((entry) => entry.name === name)!);
  const metadataText = (await read("metadata.jsonl")).toString("utf8");
  expect(checkImagefolderLayout(names, "metadata.jsonl", metadataText)).toEqual([]);
  const rows = metadataText
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { file_name: string; scene_key: string; image_sha256: string; scene_is_unstable: boolean });
  expect(rows).toHaveLength(photos);
  expect([...new Set(rows.map((row) => row.scene_key))].sort()).toEqual(gallery.scenes.map((scene) => scene.sceneKey).sort());
  for (const row of rows) {
    expect(row.scene_is_unstable).toBe(true);
    expect(sha256(await read(row.file_name)), row.file_name).toBe(row.image_sha256);
  }
  const card = (await read("README.md")).toString("utf8");
  expect(card).toContain("Location data was removed");
  expect(card).toContain("divergent only");

  // Metadata only: the estimate shrinks to the CSVs and JSONL.
  const withPhotos = (await page.getByTestId("export-size").textContent()) ?? "";
  await page.getByLabel(/Include photos/).uncheck();
  await expect(page.getByTestId("export-size")).not.toHaveText(withPhotos);

  // Phone width: one column, nothing sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(target);
  await expect(estimate.locator("dd").first()).toHaveText(String(report.unstableScenes));
  await expectNoSidewaysScroll(page, "export page at 390");
  await page.screenshot({ path: testInfo.outputPath("export-390.png"), fullPage: true });
});

test("npm run export downloads the same selection from the running server and does not fetch a complete file again", async ({ baseURL }) => {
  const dir = mkdtempSync(path.join(tmpdir(), "parallax-export-cli-e2e-"));
  const out = path.join(dir, "divergent.zip");
  const cli = (target: string, token: string) =>
    run(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/export.ts", "--study", studyId, "--divergent-only", "--out", target, "--server", baseURL!], {
      env: { ...process.env, PARALLAX_ADMIN_TOKEN: token },
      timeout: 60_000,
    }).then(
      (done) => ({ code: 0, stderr: done.stderr }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
  const first = await cli(out, E2E_ADMIN_TOKEN);
  expect(first.code, first.stderr).toBe(0);
  expect(first.stderr).toMatch(/Wrote .*divergent\.zip: \d+ files/);
  const report = (await (await fetch(`${baseURL}/api/v1/studies/${studyId}/instability`, { headers: auth })).json()) as { unstableScenes: number };
  const folders = new Set((await readZipDirectory(out)).filter((entry) => entry.name.startsWith("images/")).map((entry) => entry.name.split("/")[1]));
  expect(folders.size).toBe(report.unstableScenes);
  const again = await cli(out, E2E_ADMIN_TOKEN);
  expect(again).toEqual({ code: 0, stderr: expect.stringContaining("is already complete") });
  const refused = await cli(path.join(dir, "other.zip"), "wrong-token-0123456789");
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/refused the credentials \(401\)/);
});

test("the export endpoint needs a researcher and answers 404 and 400 clearly", async ({ playwright, baseURL, request }) => {
  const visitor = await playwright.request.newContext({ baseURL });
  const refused = await visitor.get(`/api/v1/studies/${studyId}/export?divergentOnly=true`);
  expect(refused.status()).toBe(401);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBeTruthy();
  await visitor.dispose();
  const missing = await request.get(`/api/v1/studies/no-such-study/export`, { headers: auth });
  expect(missing.status()).toBe(404);
  const bad = await request.get(`/api/v1/studies/${studyId}/export?divergentOnly=maybe`, { headers: auth });
  expect(bad.status()).toBe(400);
  const ok = await request.get(`/api/v1/studies/${studyId}/export?divergentOnly=true&images=false`, { headers: auth });
  expect(ok.status()).toBe(200);
  expect(ok.headers()["content-type"]).toBe("application/zip");
  expect(ok.headers()["content-disposition"]).toMatch(/attachment; filename=".*-divergent-metadata-.*\.zip"/);
});
