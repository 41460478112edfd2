// The researcher dashboards on a simulated study: every view opened after signing in through the
// /signin form, at 1440 px and at 390 px; the numbers on screen must equal the API's for the same
// filters; a filter applied in the bar lands in the URL and changes the numbers to the API's
// filtered ones; CSV links download; photos come as small cached thumbnails; nothing scrolls the
// page sideways; Recharts never reaches the phone's capture page. Screenshots of every view at both
// widths are kept as artefacts (test-results/e2e-artifacts/…/dashboard-*.png).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type APIRequestContext, type Browser, type Page, type TestInfo } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "../playwright.config";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./support/ingest-api";

const run = promisify(execFile);
const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };

type Ratio = { numerator: number; denominator: number; value: number | null };
type Instability = {
  captures: number;
  devices: number;
  scenes: number;
  eligibleScenes: number;
  unstableScenes: number;
  labelInstability: number | null;
  ci95: { lower: number; upper: number } | null;
  groundTruthScenes: number;
  correctnessUnstableScenes: number;
  correctnessInstability: number | null;
  correctnessCi95: { lower: number; upper: number } | null;
  withinDeviceGroups: number;
  withinDeviceUnstableGroups: number;
  pairwise: { a: string; b: string }[];
  deviceModels: { key: string; devices: number; captures: number; scenes: number; votesWithGroundTruth: number; correctVotes: number }[];
};
type Heatmap = { deviceModels: string[]; cells: { a: string; b: string; sharedScenes: number; disagreements: number; instability: number | null }[] };
type Gallery = { total: number; deviceModels: string[]; scenes: { sceneId: string; sceneKey: string; votes: number; votesByModel: { deviceModel: string; captureId: string }[] }[] };

/** Runs of white space (no-break spaces included) made one space. */
const squash = (value: string | null) => (value ?? "").replace(/\s+/g, " ").trim();
/** The squashed text of the first element matching `selector`. */
const text = async (page: Page, selector: string) => squash(await page.locator(selector).first().textContent());
const pct = (value: number | null) => (value === null ? "—" : `${(value * 100).toFixed(1)} %`);
const counts = (numerator: number, denominator: number) => `${numerator.toLocaleString("en-GB")} / ${denominator.toLocaleString("en-GB")}`;
const ci = (interval: { lower: number; upper: number }) => `95% CI ${(interval.lower * 100).toFixed(1)}–${(interval.upper * 100).toFixed(1)} %`;

async function api<T>(request: APIRequestContext, url: string): Promise<T> {
  const response = await request.get(url, { headers: auth });
  expect(response.status(), url).toBe(200);
  return (await response.json()) as T;
}

let studyId = "";
let studyCode = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request, baseURL }) => {
  test.setTimeout(420_000);
  const out = path.join(mkdtempSync(path.join(tmpdir(), "parallax-dashboard-e2e-")), "truth.json");
  await run(
    process.execPath,
    [
      "node_modules/tsx/dist/cli.mjs",
      "--conditions=react-server",
      "scripts/simulate.ts",
      "--server",
      baseURL!,
      "--token",
      E2E_ADMIN_TOKEN,
      "--new",
      "--devices",
      "8",
      "--scenes",
      "40",
      "--seed",
      "dashboard-e2e",
      "--photo-size",
      "320",
      "--burst",
      "0.2",
      "--out",
      out,
    ],
    { timeout: 360_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const truth = JSON.parse(readFileSync(out, "utf8")) as { server: { studyId: string } };
  studyId = truth.server.studyId;
  studyCode = (await api<{ code: string }>(request, `/api/v1/studies/${studyId}`)).code;
  // The server reference runs in the background after each upload: wait until it is through, so
  // the numbers the pages and the API compute below are the same.
  await expect
    .poll(
      async () => {
        let cursor: string | null = null;
        let waiting = 0;
        do {
          const page: { items: { referenceStatus: string }[]; nextCursor: string | null } = await api(
            request,
            `/api/v1/studies/${studyId}/captures?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
          );
          waiting += page.items.filter((capture) => capture.referenceStatus === "pending" || capture.referenceStatus === "running").length;
          cursor = page.nextCursor;
        } while (cursor);
        return waiting;
      },
      { timeout: 180_000, intervals: [1000] },
    )
    .toBe(0);
});

async function signIn(page: Page) {
  await page.goto(`/studies/${studyId}/dashboard`);
  await expect(page).toHaveURL(/\/signin\?next=/);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/studies/${studyId}/dashboard$`));
}

async function expectNoSidewaysScroll(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${what} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

async function shoot(page: Page, testInfo: TestInfo, name: string, width: number) {
  // Charts draw after hydration and measure their box; photos load lazily as they come near the
  // viewport: scroll through the page once, then wait for the network before the picture.
  await page.waitForLoadState("networkidle");
  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
      window.scrollTo(0, y);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    window.scrollTo(0, 0);
  });
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: testInfo.outputPath(`dashboard-${name}-${width}.png`), fullPage: true });
}

async function openAndCheckEveryView(page: Page, request: APIRequestContext, testInfo: TestInfo, width: number) {
  const base = `/studies/${studyId}/dashboard`;
  const report = await api<Instability>(request, `/api/v1/studies/${studyId}/instability`);
  expect(report.eligibleScenes).toBeGreaterThan(5);
  expect(report.unstableScenes).toBeGreaterThan(0);

  // Overview: the headline numbers, their counts and interval, the device-model counts.
  await page.goto(base);
  await expect(page.getByTestId("metric-label-instability")).toBeVisible();
  expect(await text(page, '[data-testid="metric-label-instability"] [data-part="value"]')).toBe(pct(report.labelInstability));
  const labelDetail = await text(page, '[data-testid="metric-label-instability"] [data-part="detail"]');
  expect(labelDetail).toContain(`(${counts(report.unstableScenes, report.eligibleScenes)} eligible scenes)`);
  expect(labelDetail).toContain(ci(report.ci95!));
  if (report.groundTruthScenes > 0) {
    expect(await text(page, '[data-testid="metric-correctness-instability"] [data-part="value"]')).toBe(pct(report.correctnessInstability));
    const detail = await text(page, '[data-testid="metric-correctness-instability"] [data-part="detail"]');
    expect(detail).toContain(counts(report.correctnessUnstableScenes, report.groundTruthScenes));
    expect(detail).toContain(ci(report.correctnessCi95!));
  }
  expect(await text(page, '[data-testid="metric-within-device"] [data-part="detail"]')).toContain(counts(report.withinDeviceUnstableGroups, report.withinDeviceGroups));
  expect(await text(page, '[data-testid="count-device-models"] [data-part="value"]')).toBe(String(report.deviceModels.length));
  expect(await text(page, '[data-testid="count-devices"] [data-part="value"]')).toBe(String(report.devices));
  expect(await text(page, '[data-testid="count-captures"] [data-part="value"]')).toBe(report.captures.toLocaleString("en-GB"));
  expect(await text(page, '[data-testid="count-eligible"] [data-part="value"]')).toBe(String(report.eligibleScenes));
  for (const model of report.deviceModels) {
    const row = page.locator(`[data-testid="device-models-card"] tr[data-model="${model.key}"]`);
    await expect(row.locator("td").nth(2)).toHaveText(model.captures.toLocaleString("en-GB"));
    if (report.groundTruthScenes > 0) await expect(row.locator("td").nth(4)).toContainText(counts(model.correctVotes, model.votesWithGroundTruth));
  }
  await expect(page.locator('[data-testid="activity-card"] .recharts-surface').first()).toBeVisible();
  await expectNoSidewaysScroll(page, "overview");
  await shoot(page, testInfo, "overview", width);

  // Device pairs: every cell's counts are the heatmap API's; a cell opens exactly its scenes.
  const heatmap = await api<Heatmap>(request, `/api/v1/studies/${studyId}/analytics/heatmap`);
  await page.goto(`${base}/pairwise`);
  for (const cell of heatmap.cells) {
    const link = page.locator(`[data-pair="${cell.a}|${cell.b}"]`);
    expect(squash(await link.getAttribute("aria-label"))).toContain(`${pct(cell.instability)} (${counts(cell.disagreements, cell.sharedScenes)} shared scenes)`);
    await expect(page.locator(`[data-pair="${cell.b}|${cell.a}"]`)).toHaveCount(1);
  }
  const worst = [...heatmap.cells].sort((x, y) => (y.instability ?? 0) - (x.instability ?? 0))[0]!;
  await shoot(page, testInfo, "pairwise", width);
  await page.locator(`[data-pair="${worst.a}|${worst.b}"]`).click();
  await expect(page).toHaveURL(new RegExp(`a=${encodeURIComponent(worst.a)}&b=${encodeURIComponent(worst.b)}`));
  expect(squash(await page.getByTestId("pair-summary").textContent())).toContain(`${pct(worst.instability)} (${counts(worst.disagreements, worst.sharedScenes)} shared scenes)`);
  const pairApi = await api<{ scenes: { sceneKey: string }[] }>(request, `/api/v1/studies/${studyId}/analytics/pairs?a=${encodeURIComponent(worst.a)}&b=${encodeURIComponent(worst.b)}&limit=50`);
  await expect(page.getByTestId("pair-scene")).toHaveCount(pairApi.scenes.length);
  expect(pairApi.scenes.length).toBe(Math.min(50, worst.disagreements));
  await expect(page.getByTestId("pair-scene").first().locator("h3")).toHaveText(pairApi.scenes[0]!.sceneKey);
  await expectNoSidewaysScroll(page, "pairwise with a pair open");
  await shoot(page, testInfo, "pairwise-pair", width);

  // Growth: every point as the API has it; the last point (all device models) is the headline.
  const growth = await api<{ points: { deviceModels: number; meanInstability: number | null; subsets: number; subsetsWithEligibleScenes: number }[] }>(
    request,
    `/api/v1/studies/${studyId}/analytics/growth?orders=100`,
  );
  await page.goto(`${base}/growth`);
  await expect(page.locator('[data-testid="growth-card"] .recharts-surface').first()).toBeVisible();
  for (const point of growth.points) {
    const cells = page.locator(`[data-testid="growth-row"][data-n="${point.deviceModels}"] td`);
    await expect(cells.nth(1)).toHaveText(pct(point.meanInstability));
    await expect(cells.nth(2)).toHaveText(`${point.subsetsWithEligibleScenes} / ${point.subsets}`);
  }
  expect(growth.points.at(-1)!.meanInstability).toBeCloseTo(report.labelInstability!, 12);
  await expectNoSidewaysScroll(page, "growth");
  await shoot(page, testInfo, "growth", width);

  // Classes
  const classes = await api<{ classes: { classIndex: number; eligibleScenes: number; unstableScenes: number; instability: number | null }[] }>(request, `/api/v1/studies/${studyId}/analytics/classes`);
  await page.goto(`${base}/classes`);
  const withScenes = classes.classes.filter((c) => c.eligibleScenes > 0);
  await expect(page.getByTestId("class-row")).toHaveCount(withScenes.length);
  for (const c of withScenes) {
    expect(squash(await page.locator(`[data-testid="class-row"][data-class="${c.classIndex}"] td`).nth(1).textContent())).toBe(`${pct(c.instability)} (${counts(c.unstableScenes, c.eligibleScenes)} scenes)`);
  }
  await expect(page.locator('[data-testid="classes-card"] .recharts-surface').first()).toBeVisible();
  await expectNoSidewaysScroll(page, "classes");
  await shoot(page, testInfo, "classes", width);

  // Confidence
  const confidence = await api<{ deviceModels: { key: string; predictions: number }[] }>(request, `/api/v1/studies/${studyId}/analytics/confidence?bins=20`);
  await page.goto(`${base}/confidence`);
  for (const model of confidence.deviceModels) {
    await expect(page.locator(`[data-testid="confidence-row"][data-model="${model.key}"] td`).nth(1)).toHaveText(model.predictions.toLocaleString("en-GB"));
  }
  await expect(page.locator('[data-testid="confidence-card"] .recharts-surface')).toHaveCount(confidence.deviceModels.length);
  await expectNoSidewaysScroll(page, "confidence");
  await shoot(page, testInfo, "confidence", width);

  // Breakdowns: four dimensions, each group's counts as the API's.
  await page.goto(`${base}/breakdowns`);
  for (const by of ["backend", "browser", "os", "captureMethod"]) {
    const breakdown = await api<{ groups: { key: string; captures: number; eligibleScenes: number; unstableScenes: number }[] }>(request, `/api/v1/studies/${studyId}/analytics/breakdown?by=${by}`);
    expect(breakdown.groups.length).toBeGreaterThan(0);
    for (const group of breakdown.groups) {
      const cells = page.locator(`[data-testid="breakdown-${by}"] [data-testid="breakdown-row"][data-key="${group.key}"] td`);
      expect(squash(await cells.nth(1).textContent())).toContain(counts(group.unstableScenes, group.eligibleScenes));
      await expect(cells.nth(3)).toHaveText(group.captures.toLocaleString("en-GB"));
    }
  }
  await expectNoSidewaysScroll(page, "breakdowns");
  await shoot(page, testInfo, "breakdowns", width);

  // Attribution
  const attribution = await api<{ runtimeFlipRate: { overall: Ratio; byDeviceModel: (Ratio & { key: string })[] }; captureInstability: Ratio; deviceInstability: Ratio; stabilisedByReference: Ratio; compressionProbe: Ratio[] }>(
    request,
    `/api/v1/studies/${studyId}/analytics/attribution`,
  );
  expect(attribution.runtimeFlipRate.overall.denominator).toBe(report.captures);
  await page.goto(`${base}/attribution`);
  expect(await text(page, '[data-testid="metric-runtime-flip-rate"] [data-part="value"]')).toBe(pct(attribution.runtimeFlipRate.overall.value));
  expect(await text(page, '[data-testid="metric-runtime-flip-rate"] [data-part="detail"]')).toContain(counts(attribution.runtimeFlipRate.overall.numerator, attribution.runtimeFlipRate.overall.denominator));
  expect(await text(page, '[data-testid="metric-capture-instability"] [data-part="value"]')).toBe(pct(attribution.captureInstability.value));
  expect(await text(page, '[data-testid="metric-capture-instability"] [data-part="detail"]')).toContain(counts(attribution.deviceInstability.numerator, attribution.deviceInstability.denominator));
  expect(await text(page, '[data-testid="metric-stabilised"] [data-part="detail"]')).toContain(counts(attribution.stabilisedByReference.numerator, attribution.stabilisedByReference.denominator));
  expect(attribution.deviceInstability.numerator).toBe(report.unstableScenes);
  for (const model of attribution.runtimeFlipRate.byDeviceModel) {
    expect(squash(await page.locator(`[data-testid="flip-model-row"][data-key="${model.key}"] td`).nth(1).textContent())).toContain(counts(model.numerator, model.denominator));
  }
  if (attribution.compressionProbe.length === 0) await expect(page.getByTestId("compression-probe").getByTestId("empty-state")).toBeVisible();
  await expectNoSidewaysScroll(page, "attribution");
  await shoot(page, testInfo, "attribution", width);

  // Gallery: exactly the report's unstable scenes, first page as the API orders it, with photos.
  const gallery = await api<Gallery>(request, `/api/v1/studies/${studyId}/analytics/scenes`);
  expect(gallery.total).toBe(report.unstableScenes);
  await page.goto(`${base}/scenes`);
  await expect(page.getByTestId("gallery-total")).toContainText(`${report.unstableScenes} unstable scenes`);
  await expect(page.getByTestId("gallery-scene")).toHaveCount(gallery.scenes.length);
  for (const [i, scene] of gallery.scenes.entries()) {
    const row = page.getByTestId("gallery-scene").nth(i);
    await expect(row.locator("h3")).toHaveText(scene.sceneKey);
    await expect(row.getByTestId("vote")).toHaveCount(scene.votesByModel.length);
  }
  const firstPhoto = page.getByTestId("gallery-scene").first().locator("img").first();
  await expect.poll(() => firstPhoto.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  expect(await firstPhoto.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeLessThanOrEqual(320);
  await expectNoSidewaysScroll(page, "gallery");
  await shoot(page, testInfo, "scenes", width);

  // Sorting and filtering go into the URL and give the API's order.
  const classIndex = String(classes.classes.find((c) => c.unstableScenes > 0)!.classIndex);
  await page.locator("#gallery-sort").selectOption("scene");
  await page.locator("#gallery-class").selectOption(classIndex);
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(new RegExp(`sort=scene.*class=${classIndex}|class=${classIndex}.*sort=scene`));
  const sorted = await api<Gallery>(request, `/api/v1/studies/${studyId}/analytics/scenes?sort=scene&class=${classIndex}`);
  await expect(page.getByTestId("gallery-scene")).toHaveCount(sorted.scenes.length);
  await expect(page.getByTestId("gallery-scene").locator("h3")).toHaveText(sorted.scenes.map((scene) => scene.sceneKey));
  await page.goto(`${base}/scenes`);

  // The scene page of the most divergent scene.
  const top = gallery.scenes[0]!;
  const sceneReport = await api<{ votes: { deviceModel: string }[]; captures: { id: string }[]; summary: { distinctLabels: number } }>(request, `/api/v1/studies/${studyId}/analytics/scenes/${top.sceneId}`);
  await page.getByTestId("gallery-scene").first().locator("h3 a").click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/scenes/${top.sceneId}`));
  await expect(page.getByTestId("scene-status")).toHaveText(`unstable: ${sceneReport.summary.distinctLabels} different labels`);
  await expect(page.getByTestId("scene-votes").getByTestId("vote")).toHaveCount(sceneReport.votes.length);
  await expect(page.getByTestId("scene-capture")).toHaveCount(sceneReport.captures.length);
  await expect(page.getByTestId("scene-capture").first().getByTestId("prediction")).toHaveCount(2); // phone and reference
  await expectNoSidewaysScroll(page, "scene page");
  await shoot(page, testInfo, "scene", width);
}

async function phonePage(browser: Browser, desktop: Page): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1, baseURL: new URL(desktop.url()).origin });
  await context.addCookies(await desktop.context().cookies());
  return context.newPage();
}

test("every dashboard view shows the API's numbers, at 1440 px and at 390 px", async ({ page, request, browser }, testInfo) => {
  test.setTimeout(300_000);
  await signIn(page);
  await openAndCheckEveryView(page, request, testInfo, 1440);
  const phone = await phonePage(browser, page);
  await openAndCheckEveryView(phone, request, testInfo, 390);
  // On a phone the filter form folds away behind a button.
  await phone.goto(`/studies/${studyId}/dashboard`);
  await expect(phone.getByLabel("From (UTC day)")).toBeHidden();
  await phone.getByRole("button", { name: /Edit filters/ }).click();
  await expect(phone.getByLabel("From (UTC day)")).toBeVisible();
  await expectNoSidewaysScroll(phone, "overview with the filters open");
  await phone.screenshot({ path: testInfo.outputPath("dashboard-filters-open-390.png"), fullPage: true });
  await phone.context().close();
});

test("a filter set in the bar goes into the URL, every view follows it, and CSV links download the same numbers", async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  await signIn(page);
  const report = await api<Instability>(request, `/api/v1/studies/${studyId}/instability`);
  const chosen = report.deviceModels.slice(0, 3).map((m) => m.key);
  await page.getByText("All device models").click();
  for (const key of chosen) await page.getByRole("checkbox", { name: key, exact: true }).check();
  await page.getByLabel("Votes from").selectOption("reference");
  await page.getByRole("button", { name: "Apply" }).click();
  const expectedQuery = `deviceModels=${encodeURIComponent([...chosen].sort().join(","))}&source=reference`;
  await expect(page).toHaveURL(new RegExp(`\\?${expectedQuery.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
  const filtered = await api<Instability>(request, `/api/v1/studies/${studyId}/instability?${expectedQuery}`);
  expect(filtered.deviceModels.map((m) => m.key)).toEqual([...chosen].sort());
  await expect(page.getByTestId("count-device-models").locator('[data-part="value"]')).toHaveText(String(chosen.length));
  expect(await text(page, '[data-testid="metric-label-instability"] [data-part="value"]')).toBe(pct(filtered.labelInstability));
  expect(await text(page, '[data-testid="metric-label-instability"] [data-part="detail"]')).toContain(counts(filtered.unstableScenes, filtered.eligibleScenes));
  await expect(page.getByTestId("filter-summary")).toContainText("server reference votes");
  await page.screenshot({ path: testInfo.outputPath("dashboard-overview-filtered-1440.png"), fullPage: true });

  // The views' links keep the filters; the heatmap shows only the chosen device models.
  await page.getByRole("navigation", { name: "Dashboard views" }).getByRole("link", { name: "Device pairs" }).click();
  await expect(page).toHaveURL(new RegExp(`/pairwise\\?${expectedQuery.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  await expect(page.locator("[data-pair]")).toHaveCount(chosen.length * (chosen.length - 1));

  // CSV: the link carries the filters and downloads the API's numbers.
  const csvLink = page.getByRole("link", { name: "Download CSV" }).first();
  const href = (await csvLink.getAttribute("href"))!;
  expect(href).toContain(expectedQuery.replace(",", "%2C"));
  expect(href).toContain("format=csv");
  const csv = await page.request.get(href);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines[0]).toBe("a,b,sharedScenes,disagreements,instability,correctnessSharedScenes,correctnessDisagreements,correctnessInstability,k,topKAgreements,topKAgreement");
  expect(lines).toHaveLength(1 + filtered.pairwise.length);

  // A filter no capture matches gives an empty state, not an error; a malformed one says what is wrong.
  await page.goto(`/studies/${studyId}/dashboard?from=2099-01-01`);
  await expect(page.getByText("No captures match these filters")).toBeVisible();
  await page.goto(`/studies/${studyId}/dashboard/classes?k=0`);
  await expect(page.locator(".notice[role=alert]")).toContainText("“k”");
});

test("photos come as small immutable thumbnails, to researchers only", async ({ request, playwright, baseURL }) => {
  const gallery = await api<Gallery>(request, `/api/v1/studies/${studyId}/analytics/scenes?pageSize=1`);
  const captureId = gallery.scenes[0]!.votesByModel[0]!.captureId;
  const response = await request.get(`/api/v1/captures/${captureId}/thumbnail?size=160`, { headers: auth });
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("image/jpeg");
  expect(response.headers()["cache-control"]).toContain("immutable");
  const body = await response.body();
  expect(body.subarray(0, 2).toString("hex")).toBe("ffd8");
  const again = await request.get(`/api/v1/captures/${captureId}/thumbnail?size=160`, { headers: { ...auth, "If-None-Match": response.headers()["etag"]! } });
  expect(again.status()).toBe(304);
  expect((await request.get(`/api/v1/captures/${captureId}/thumbnail?size=999`, { headers: auth })).status()).toBe(400);
  const anonymous = await playwright.request.newContext({ baseURL });
  expect((await anonymous.get(`/api/v1/captures/${captureId}/thumbnail`)).status()).toBe(401);
  await anonymous.dispose();
});

test("empty, unknown and signed-out dashboards", async ({ page, request }, testInfo) => {
  const created = await request.post("/api/v1/studies", { headers: auth, data: { name: "Empty dashboard study" } });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/studies/${id}/dashboard/scenes`);
  await expect(page).toHaveURL(/\/signin\?next=/);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/studies/${id}/dashboard/scenes$`));
  await expect(page.getByTestId("empty-state")).toContainText("No unstable scenes");
  await page.goto(`/studies/${id}/dashboard`);
  await expect(page.getByTestId("empty-state")).toContainText("No captures yet");
  await page.screenshot({ path: testInfo.outputPath("dashboard-empty-1440.png"), fullPage: true });
  for (const view of ["pairwise", "growth", "classes", "confidence", "breakdowns", "attribution"]) {
    const response = await page.goto(`/studies/${id}/dashboard/${view}`);
    expect(response?.status(), view).toBe(200);
    await expect(page.locator("h1")).toHaveText("Empty dashboard study");
  }
  const missing = await page.goto(`/studies/no-such-study/dashboard`);
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  const missingScene = await page.goto(`/studies/${studyId}/dashboard/scenes/no-such-scene`);
  expect(missingScene?.status()).toBe(404);
});

test("Recharts is loaded on dashboard pages and never on the phone's capture page", async ({ page }) => {
  await signIn(page);
  const scriptsOf = async (url: string) => {
    const scripts = new Set<string>();
    const listener = (response: { url(): string; request(): { resourceType(): string } }) => {
      if (response.request().resourceType() === "script") scripts.add(response.url());
    };
    page.on("response", listener);
    await page.goto(url);
    await page.waitForLoadState("networkidle");
    page.off("response", listener);
    let recharts = 0;
    for (const script of scripts) if ((await (await page.request.get(script)).text()).includes("recharts-wrapper")) recharts += 1;
    return { scripts: scripts.size, recharts };
  };
  const dashboard = await scriptsOf(`/studies/${studyId}/dashboard/growth`);
  expect(dashboard.recharts).toBeGreaterThan(0);
  const phone = await scriptsOf(`/join/${studyCode}`);
  expect(phone.scripts).toBeGreaterThan(0);
  expect(phone.recharts).toBe(0);
});

test("the compression probe runs on request from the attribution page and shows the API's flip rate per setting", async ({ page, request, browser }, testInfo) => {
  test.setTimeout(240_000);
  type ProbeStatus = { state: string; probeableCaptures: number; probedCaptures: number; remainingCaptures: number; failedCaptures: number };
  const probeUrl = `/api/v1/studies/${studyId}/analytics/attribution/probe`;
  const before = await api<ProbeStatus>(request, probeUrl);
  const report = await api<Instability>(request, `/api/v1/studies/${studyId}/instability`);
  const referenceBefore = await api<Instability>(request, `/api/v1/studies/${studyId}/instability?source=reference`);
  const attributionBefore = await api<Record<string, unknown>>(request, `/api/v1/studies/${studyId}/analytics/attribution`);
  expect(before).toMatchObject({ state: "idle", probeableCaptures: report.captures, probedCaptures: 0, remainingCaptures: report.captures });

  await signIn(page);
  await page.goto(`/studies/${studyId}/dashboard/attribution`);
  const probe = page.getByTestId("compression-probe");
  await expect(probe.getByTestId("probe-progress")).toContainText(`0 of ${report.captures.toLocaleString("en-GB")} captures probed`);
  await probe.getByTestId("probe-run").click();
  await expect(probe.getByTestId("probe-control")).not.toHaveAttribute("data-state", "idle");
  await expect.poll(async () => (await api<ProbeStatus>(request, probeUrl)).state, { timeout: 180_000, intervals: [1000] }).toBe("idle");
  const after = await api<ProbeStatus>(request, probeUrl);
  expect(after).toMatchObject({ probedCaptures: report.captures, remainingCaptures: 0, failedCaptures: 0 });

  // The page follows by itself (no reload): a row and a bar per setting, each with the API's counts.
  const attribution = await api<{ compressionProbe: (Ratio & { key: string })[]; captureInstability: Ratio }>(request, `/api/v1/studies/${studyId}/analytics/attribution`);
  expect(attribution.compressionProbe.map((r) => r.key)).toEqual(["jpeg-q50", "jpeg-q75", "jpeg-q95", "lossless"]);
  for (const setting of attribution.compressionProbe) expect(setting.denominator).toBe(report.captures);
  // The lossless copy shows the reference the very same tensor: it never flips.
  expect(attribution.compressionProbe.find((r) => r.key === "lossless")!.numerator).toBe(0);
  await expect(probe.getByTestId("probe-row")).toHaveCount(4, { timeout: 30_000 });
  const names = ["JPEG q50", "JPEG q75", "JPEG q95", "Lossless (PNG)"];
  for (const [i, setting] of attribution.compressionProbe.entries()) {
    const cells = probe.getByTestId("probe-row").nth(i).locator("td");
    await expect(cells.nth(0)).toHaveText(names[i]!);
    // The page refreshes itself on a timer: it may still show the last count of the run for a moment.
    await expect.poll(async () => squash(await cells.nth(1).textContent()), { timeout: 30_000 }).toBe(`${pct(setting.value)} (${counts(setting.numerator, setting.denominator)} captures)`);
  }
  await expect(probe.locator(".recharts-surface")).toBeVisible();
  await expect(probe.getByTestId("probe-progress")).toContainText(`${report.captures.toLocaleString("en-GB")} of ${report.captures.toLocaleString("en-GB")} captures probed`);
  await expect(probe.getByTestId("probe-run")).toHaveCount(0);
  // The probe changes no other number: probe predictions are no reference votes.
  expect(await api<Instability>(request, `/api/v1/studies/${studyId}/instability?source=reference`)).toEqual(referenceBefore);
  expect({ ...attribution, compressionProbe: [] }).toEqual(attributionBefore);
  await expectNoSidewaysScroll(page, "attribution with the probe");
  await shoot(page, testInfo, "attribution-probed", 1440);

  // CSV carries the probe's rows.
  const csv = await page.request.get(`/api/v1/studies/${studyId}/analytics/attribution?format=csv`);
  const probeLines = (await csv.text()).split("\r\n").filter((line) => line.startsWith("compressionProbe,"));
  expect(probeLines.map((line) => line.split(",").slice(1, 4).join(","))).toEqual(attribution.compressionProbe.map((r) => `${r.key},${r.numerator},${r.denominator}`));

  const phone = await phonePage(browser, page);
  await phone.goto(`/studies/${studyId}/dashboard/attribution`);
  await expect(phone.getByTestId("compression-probe").locator(".recharts-surface")).toBeVisible();
  await expectNoSidewaysScroll(phone, "attribution with the probe at 390 px");
  await shoot(phone, testInfo, "attribution-probed", 390);
  await phone.context().close();
});
