// The volunteer's main journey on a phone: open the study's link, accept the consent text, take a
// photo through the phone's camera (the file chooser), see the model's top-5 with the backend and
// time, see it uploaded; the server has the untouched bytes, the device model (from UA Client
// Hints on Android), the capture method, and a device prediction whose preprocessed tensor equals
// the server reference's. A reload is the same device; "My captures" shows the server's answer;
// settings can ask for deletion and forget the device.
import { expect, test } from "@playwright/test";
import {
  EXPECTED_DEVICE_MODEL,
  applyProjectIdentity,
  createPhoneStudy,
  expectNoHorizontalScroll,
  getDevice,
  joinThroughPage,
  loadTestPhoto,
  outboxCount,
  screenshot,
  sha256,
  takePhotoThroughChooser,
  typeSceneKey,
  waitForModel,
  waitForReferences,
} from "./phone-helpers";

test.setTimeout(180_000);

test("join by link, consent, photo through the camera, top-5 on the phone, uploaded with the reference's tensor @phone", async ({ page, request }, testInfo) => {
  await applyProjectIdentity(page, testInfo);
  const study = await createPhoneStudy(request);
  const photo = await loadTestPhoto();
  testInfo.annotations.push({ type: "photo", description: photo.isReal ? `real: ${photo.name}` : "generated (../shared/photos-real absent)" });
  // Model downloads (the inference worker's requests are reported to the page too).
  const modelFiles: { path: string; status: number }[] = [];
  page.on("response", (response) => {
    const { pathname } = new URL(response.url());
    if (pathname.startsWith("/m/")) modelFiles.push({ path: pathname, status: response.status() });
  });

  await joinThroughPage(page, study.code, { screenshot: testInfo });
  // The model starts loading at once; its box keeps its size while it does.
  const statusBox = page.getByTestId("model-status");
  const loadingHeight = (await statusBox.boundingBox())!.height;
  await screenshot(page, testInfo, "capture-empty");
  await typeSceneKey(page, "scene-1");
  await waitForModel(page);
  expect((await statusBox.boundingBox())!.height).toBe(loadingHeight);

  await takePhotoThroughChooser(page, photo);
  const card = page.getByTestId("result-card").first();
  await expect(card.getByTestId("top5").getByRole("listitem")).toHaveCount(5, { timeout: 60_000 });
  await expect(card.getByTestId("result-runtime")).toContainText(/(WebAssembly|WebGPU) · \d+ ms/);
  // The model came once, gzipped (the worker gunzips it and checks its SHA-256); the plain file was not needed.
  expect(modelFiles).toEqual([{ path: `/m/${study.study.model.sha256}.onnx.gz`, status: 200 }]);
  await expect(card).toHaveAttribute("data-upload", "uploaded", { timeout: 30_000 });
  await expect(card.getByText("Uploaded")).toBeVisible();
  await expect(outboxCount(page)).toHaveText("0");
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, "capture-result");

  // What the server stored.
  const [stored] = await waitForReferences(request, study.id, 1);
  expect(stored!.captureMethod).toBe("native-camera");
  expect(stored!.sceneKey).toBe("scene-1");
  expect(stored!.originalSha256).toBe(sha256(photo.buffer));
  expect(stored!.deviceModelKey).toBe(EXPECTED_DEVICE_MODEL[testInfo.project.name]);
  const device = stored!.predictions.find((p) => p.source === "device" && p.variant === "original");
  const reference = stored!.predictions.find((p) => p.source === "reference" && p.variant === "original");
  expect(device, "the phone's prediction").toBeDefined();
  expect(reference, "the server's reference prediction").toBeDefined();
  expect(device!.tensorSha256).toMatch(/^[0-9a-f]{64}$/);
  expect(device!.tensorSha256).toBe(reference!.tensorSha256);
  expect(["wasm", "webgpu"]).toContain(device!.backend);
  // The top-1 the page showed is the one uploaded.
  await expect(card.getByTestId("top5").getByRole("listitem").first()).toContainText(device!.top[0]!.label);
  const deviceRow = await getDevice(request, stored!.deviceId);
  if (testInfo.project.name === "android") {
    expect(deviceRow.deviceModelSource).toBe("client-hints");
    expect(deviceRow.identity.clientHints.model).toBe("Pixel 7");
  }

  // "My captures": the server's answer next to the phone's.
  await page.getByRole("link", { name: "My captures" }).click();
  const listed = page.getByTestId("server-capture");
  await expect(listed).toHaveCount(1);
  await expect(listed.first()).toHaveAttribute("data-reference", "done", { timeout: 30_000 });
  await expect(listed.first()).toContainText(reference!.top[0]!.label);
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, "my-captures");

  // A return visit through the link is the same device: no consent, same device id, scene remembered.
  await page.goto(`/join/${study.code}`);
  await expect(page.getByLabel("Scene code")).toHaveValue("scene-1");
  await expect(page.getByTestId("consent-text")).toHaveCount(0);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByText(stored!.deviceId)).toBeVisible();
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, "settings");

  // Ask for deletion: recorded on the server.
  await page.getByRole("button", { name: "Ask for deletion of my data" }).click();
  await expect(page.getByText(/Deletion requested/)).toBeVisible();
  expect((await getDevice(request, stored!.deviceId)).deletionRequestedAt).not.toBeNull();

  // Forget this device: back to the consent screen; joining again makes a new device.
  await page.getByRole("button", { name: "Forget this device" }).click();
  await page.getByRole("button", { name: "Yes, forget this device" }).click();
  await expect(page.getByTestId("consent-text")).toBeVisible();
  await page.getByRole("button", { name: "I agree, take part" }).click();
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByText("Device id")).toBeVisible();
  await expect(page.getByText(stored!.deviceId)).toHaveCount(0);
});

test("declining joins nothing, and an unknown code says so @phone", async ({ page, request }, testInfo) => {
  const study = await createPhoneStudy(request);
  await page.goto(`/join/${study.code}`);
  await page.getByRole("button", { name: "No thanks" }).click();
  await expect(page.getByText("Nothing was collected")).toBeVisible();
  await screenshot(page, testInfo, "declined");
  const devices = await (await request.get(`/api/v1/studies/${study.id}/devices`, { headers: { authorization: "Bearer e2e-admin-token-0123456789abcdef" } })).json();
  expect(devices.devices).toEqual([]);
  await page.goto("/join/NOSUCHCODE");
  await expect(page.getByRole("heading", { name: "Study not found" })).toBeVisible();
});

test("the volunteer pages are cross-origin isolated and load nothing that breaks it @phone", async ({ page, request }) => {
  const study = await createPhoneStudy(request);
  const failures: string[] = [];
  page.on("requestfailed", (r) => {
    // Link prefetches the router cancels are not failures.
    if (!(r.failure()?.errorText === "net::ERR_ABORTED" && r.url().includes("_rsc="))) failures.push(`${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error") failures.push(m.text());
  });
  const response = await page.goto(`/join/${study.code}`);
  expect(response!.headers()["cross-origin-opener-policy"]).toBe("same-origin");
  expect(response!.headers()["cross-origin-embedder-policy"]).toBe("require-corp");
  await page.getByRole("button", { name: "I agree, take part" }).click();
  await waitForModel(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(failures).toEqual([]);
});
