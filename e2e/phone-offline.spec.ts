// A dead zone: the phone goes offline, the volunteer takes three photos (classified on the phone),
// reloads the page (served by the volunteer pages' service worker), and when the network returns
// exactly three captures reach the server, each once; the outbox empties and the count shown goes
// 3 → 0.
import { expect, test } from "@playwright/test";
import {
  applyProjectIdentity,
  countOutboxItems,
  createPhoneStudy,
  joinThroughPage,
  listStudyCaptures,
  loadTestPhoto,
  outboxCount,
  screenshot,
  typeSceneKey,
  waitForModel,
} from "./phone-helpers";

test.setTimeout(180_000);

test("three photos taken offline survive a reload and arrive exactly once when back online @phone", async ({ page, context, request }, testInfo) => {
  await applyProjectIdentity(page, testInfo);
  const study = await createPhoneStudy(request);
  const uploads: number[] = [];
  page.on("response", (response) => {
    if (response.url().endsWith("/api/v1/captures") && response.request().method() === "POST") uploads.push(response.status());
  });

  await joinThroughPage(page, study.code);
  await typeSceneKey(page, "dead-zone");
  await waitForModel(page);
  // The model, runtime and image decoders are in Cache Storage; the page says it works offline.
  await expect(page.getByTestId("model-status")).toHaveAttribute("data-offline-ready", "true", { timeout: 30_000 });
  // The page is saved for offline use once its service worker controls it.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  await page.waitForFunction(async () => (await caches.keys()).some((name) => name.startsWith("parallax-phone-")), undefined, { timeout: 30_000 });

  await context.setOffline(true);
  for (let i = 1; i <= 3; i++) {
    const photo = await loadTestPhoto(i);
    await page.getByTestId("file-native-camera").setInputFiles(photo);
    await expect(page.getByTestId("result-card")).toHaveCount(i);
  }
  // Classified on the phone without a network; all three wait.
  await expect(page.getByTestId("top5")).toHaveCount(3, { timeout: 60_000 });
  await expect(outboxCount(page)).toHaveText("3");
  await screenshot(page, testInfo, "offline-waiting");

  await page.reload();
  await expect(page.getByLabel("Scene code")).toHaveValue("dead-zone");
  await expect(outboxCount(page)).toHaveText("3");
  expect(await countOutboxItems(page)).toBe(3);
  expect(await listStudyCaptures(request, study.id)).toHaveLength(0);

  await context.setOffline(false);
  await expect(outboxCount(page)).toHaveText("0", { timeout: 60_000 });
  expect(await countOutboxItems(page)).toBe(0);
  const captures = await listStudyCaptures(request, study.id);
  expect(captures).toHaveLength(3);
  expect(new Set(captures.map((c) => c.clientCaptureId)).size).toBe(3);
  expect(captures.every((c) => c.predictions.some((p) => p.source === "device"))).toBe(true);
  // Each arrived once: three stored (201), no repeated upload of a stored capture (200).
  expect(uploads.filter((s) => s === 201)).toHaveLength(3);
  expect(uploads.filter((s) => s === 200)).toHaveLength(0);
});
