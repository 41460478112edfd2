// Helpers for the volunteer-phone specs (e2e/phone-*.spec.ts): a study of their own, the Android
// identity through UA Client Hints (CDP), the photo to take, joining through the page, screenshots
// at 390×844, and reading what the server stored (researcher token).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import sharp from "sharp";
import { admin, createStudy } from "./support/ingest-api";

export { admin, bearer, createStudy, sha256 } from "./support/ingest-api";

/** What Chrome on a Pixel 7 really sends: a reduced User-Agent ("K") and the model only in Client Hints. */
export const ANDROID_IDENTITY = {
  userAgent: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Mobile Safari/537.36",
  userAgentMetadata: {
    brands: [
      { brand: "Chromium", version: "139" },
      { brand: "Google Chrome", version: "139" },
    ],
    fullVersionList: [
      { brand: "Chromium", version: "139.0.7258.94" },
      { brand: "Google Chrome", version: "139.0.7258.94" },
    ],
    platform: "Android",
    platformVersion: "15.0.0",
    architecture: "",
    model: "Pixel 7",
    mobile: true,
    bitness: "",
    wow64: false,
  },
};

/** The device model key the server should derive on each Playwright project. */
export const EXPECTED_DEVICE_MODEL: Record<string, string> = { android: "pixel-7", iphone: "iphone", desktop: "desktop-windows" };

/** On the android project, tell the page (and request headers) the phone model through UA Client Hints. */
export async function applyProjectIdentity(page: Page, testInfo: TestInfo): Promise<void> {
  if (testInfo.project.name !== "android") return;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setUserAgentOverride", ANDROID_IDENTITY);
}

const realPhoto = path.resolve(process.cwd(), "../shared/photos-real/china.jpg");

/** A real photograph from ../shared/photos-real (a generated JPEG when it is absent). */
export async function loadTestPhoto(seed = 0): Promise<{ name: string; mimeType: string; buffer: Buffer; isReal: boolean }> {
  if (existsSync(realPhoto) && seed === 0) return { name: "china.jpg", mimeType: "image/jpeg", buffer: readFileSync(realPhoto), isReal: true };
  const width = 640;
  const height = 480;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = (seed * 53 + ((x >> 5) ^ (y >> 5)) * 40) & 0xff;
    }
  }
  const buffer = await sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  return { name: `generated-${seed}.jpg`, mimeType: "image/jpeg", buffer, isReal: false };
}

export async function createPhoneStudy(request: APIRequestContext, body: Record<string, unknown> = {}) {
  return createStudy(request, { consentText: "E2E consent: we collect your photos and device details, never your location.", ...body });
}

/** Opens the study's link, reads the consent text and accepts it; waits for the capture screen. */
export async function joinThroughPage(page: Page, code: string, options: { screenshot?: TestInfo } = {}): Promise<void> {
  await page.goto(`/join/${code}`);
  await expect(page.getByTestId("consent-text")).toContainText("E2E consent");
  if (options.screenshot) await screenshot(page, options.screenshot, "consent");
  await page.getByRole("button", { name: "I agree, take part" }).click();
  await expect(page.getByLabel("Scene code")).toBeVisible();
}

export async function typeSceneKey(page: Page, key: string): Promise<void> {
  await page.getByLabel("Scene code").fill(key);
}

export async function waitForModel(page: Page): Promise<void> {
  await expect(page.getByTestId("model-status")).toHaveAttribute("data-phase", "ready", { timeout: 90_000 });
}

/** Takes a photo the way a volunteer does: the "Take a photo" button opens the file chooser. */
export async function takePhotoThroughChooser(page: Page, photo: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const chooser = page.waitForEvent("filechooser");
  await page.getByText("Take a photo", { exact: true }).click();
  await (await chooser).setFiles(photo);
}

/** The outbox count the page shows. */
export function outboxCount(page: Page) {
  return page.getByTestId("outbox-count").first();
}

/** A full-page screenshot at 390×844 kept with the test's artefacts (the viewport is restored after). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const before = page.viewportSize();
  if (before?.width !== 390 || before.height !== 844) await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath(`${name}-${testInfo.project.name}-390x844.png`), fullPage: true });
  if (before && (before.width !== 390 || before.height !== 844)) await page.setViewportSize(before);
  // The desktop project also keeps the wide layout (1440 px) for a look.
  if (testInfo.project.name === "desktop") await page.screenshot({ path: testInfo.outputPath(`${name}-desktop-1440.png`), fullPage: true });
}

/** The page never scrolls sideways. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

export type StoredCapture = {
  id: string;
  clientCaptureId: string;
  deviceId: string;
  sceneKey: string;
  captureMethod: string;
  deviceModelKey: string;
  burstId: string | null;
  burstIndex: number | null;
  originalSha256: string;
  capturedAt: string | null;
  referenceStatus: string;
  predictions: { source: string; variant: string; backend: string; tensorSha256: string | null; top1Index: number; top: { index: number; label: string; prob: number }[] }[];
};

export async function listStudyCaptures(request: APIRequestContext, studyId: string): Promise<StoredCapture[]> {
  const response = await request.get(`/api/v1/studies/${studyId}/captures?limit=500`, { headers: admin });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { items: StoredCapture[] }).items;
}

/** Waits until the server's reference worker has classified every capture of the study. */
export async function waitForReferences(request: APIRequestContext, studyId: string, count: number): Promise<StoredCapture[]> {
  let captures: StoredCapture[] = [];
  await expect
    .poll(
      async () => {
        captures = await listStudyCaptures(request, studyId);
        return captures.filter((c) => c.referenceStatus === "done").length;
      },
      { timeout: 90_000, intervals: [500, 1000, 2000] },
    )
    .toBe(count);
  return captures;
}

export async function getDevice(request: APIRequestContext, deviceId: string) {
  const response = await request.get(`/api/v1/devices/${deviceId}`, { headers: admin });
  expect(response.status()).toBe(200);
  return (await response.json()) as { id: string; deviceModelKey: string; deviceModelSource: string; deletionRequestedAt: string | null; identity: { clientHints: { model: string | null; platform: string | null } } };
}

/** Photos waiting in the page's IndexedDB outbox (read in the page). */
export async function countOutboxItems(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open("parallax-outbox");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("captures")) return resolve(0);
          const count = db.transaction("captures").objectStore("captures").count();
          count.onsuccess = () => {
            resolve(count.result);
            db.close();
          };
          count.onerror = () => reject(count.error);
        };
      }),
  );
}
