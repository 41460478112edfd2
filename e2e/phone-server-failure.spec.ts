// The server fails for a while (503 with Retry-After, by route interception) while two tabs of the
// same phone are open: the outbox retries with backoff, the page says why photos wait, and in the
// end every capture is stored exactly once (no tab ever re-sends one the other stored). A capture
// the server refuses for good shows the server's own reason and stays on the phone.
import { expect, test, type Route } from "@playwright/test";
import { admin, applyProjectIdentity, countOutboxItems, createPhoneStudy, joinThroughPage, listStudyCaptures, loadTestPhoto, outboxCount, screenshot, typeSceneKey, waitForModel } from "./phone-helpers";

test.setTimeout(180_000);

test("503s for a while: retried with backoff, every capture stored exactly once, two tabs never double-send @phone", async ({ page, context, request }, testInfo) => {
  await applyProjectIdentity(page, testInfo);
  const study = await createPhoneStudy(request);
  let failUntil = 0;
  let refused = 0;
  const statuses: number[] = [];
  await context.route("**/api/v1/captures", async (route: Route) => {
    if (Date.now() < failUntil) {
      refused += 1;
      await route.fulfill({ status: 503, headers: { "Retry-After": "1", "Content-Type": "application/json" }, body: JSON.stringify({ error: { code: "unavailable", message: "The server is busy, try again shortly." } }) });
      return;
    }
    const response = await route.fetch();
    statuses.push(response.status());
    await route.fulfill({ response });
  });

  await joinThroughPage(page, study.code);
  await typeSceneKey(page, "busy-server");
  await waitForModel(page);
  // A second tab of the same phone (same device token, same outbox).
  const secondTab = await context.newPage();
  await secondTab.goto(`/join/${study.code}`);
  await expect(secondTab.getByLabel("Scene code")).toHaveValue("busy-server");

  failUntil = Date.now() + 8_000;
  for (let i = 1; i <= 3; i++) {
    await page.getByTestId("file-native-camera").setInputFiles(await loadTestPhoto(i));
    await expect(page.getByTestId("result-card")).toHaveCount(i);
  }
  await expect(page.getByTestId("outbox-bar")).toContainText("The server is busy, try again shortly.", { timeout: 20_000 });
  await expect(outboxCount(page)).not.toHaveText("0");
  await screenshot(page, testInfo, "server-busy");

  await expect(outboxCount(page)).toHaveText("0", { timeout: 90_000 });
  await expect(outboxCount(secondTab)).toHaveText("0", { timeout: 30_000 });
  expect(refused).toBeGreaterThanOrEqual(2);
  expect(await countOutboxItems(page)).toBe(0);
  const captures = await listStudyCaptures(request, study.id);
  expect(captures).toHaveLength(3);
  expect(new Set(captures.map((c) => c.clientCaptureId)).size).toBe(3);
  expect(statuses.filter((s) => s === 201)).toHaveLength(3);
  expect(statuses.filter((s) => s === 200), "a capture re-sent after it was stored").toHaveLength(0);
  for (const card of await page.getByTestId("result-card").all()) await expect(card).toHaveAttribute("data-upload", "uploaded");
});

test("a capture the server refuses shows the server's reason and stays on the phone @phone", async ({ page, request }, testInfo) => {
  await applyProjectIdentity(page, testInfo);
  const study = await createPhoneStudy(request, { settings: { allowUnknownScenes: false } });
  const scenes = await request.post(`/api/v1/studies/${study.id}/scenes`, { headers: admin, data: { scenes: [{ key: "known" }] } });
  expect(scenes.status()).toBe(200);

  await joinThroughPage(page, study.code);
  await typeSceneKey(page, "not-a-scene");
  await waitForModel(page);
  await page.getByTestId("file-native-camera").setInputFiles(await loadTestPhoto(7));
  const card = page.getByTestId("result-card").first();
  await expect(card).toHaveAttribute("data-upload", "rejected", { timeout: 30_000 });
  await expect(card).toContainText('The scene "not-a-scene" is not part of this study.');
  await expect(page.getByTestId("outbox-bar")).toContainText("1 refused");
  await screenshot(page, testInfo, "refused");
  expect(await countOutboxItems(page)).toBe(1);
  expect(await listStudyCaptures(request, study.id)).toHaveLength(0);

  // The next photo, with a scene the study knows, goes through.
  await typeSceneKey(page, "known");
  await page.getByTestId("file-native-camera").setInputFiles(await loadTestPhoto(8));
  await expect(page.getByTestId("result-card").first()).toHaveAttribute("data-upload", "uploaded", { timeout: 30_000 });
  await page.getByRole("link", { name: "My captures" }).click();
  await expect(page.getByTestId("local-capture")).toContainText("Refused by the server");
  await expect(page.getByTestId("server-capture")).toHaveCount(1);
});
