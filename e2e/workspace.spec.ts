// The researcher's workspace, end to end: sign in, create a study with the default model, open its
// poster and decode the QR code from a screenshot, join from a phone through that URL, take a photo,
// and see it arrive on the study page without a reload; the volunteer's deletion request honoured
// from the study page (photo file gone from disk); closing (the phone says so) and deleting with
// the typed join code; settings (API token shown once, revoked; inviting a researcher who must
// change the one-time password) and the models registry. Every workspace page is kept as a
// screenshot at 1440 and 390 px wide, and none scrolls sideways at 390 px.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import sharp from "sharp";
import { configureQrReader, readQrSymbols } from "@/lib/display/qr-reader";
import { ANDROID_IDENTITY, loadTestPhoto, takePhotoThroughChooser, waitForModel } from "./phone-helpers";
import { ADMIN_EMAIL, ADMIN_PASSWORD, admin, blobFiles, createStudy, joinStudy, waitForQuietStorage } from "./support/ingest-api";

test.setTimeout(240_000);

/**
 * The test photo with a random 8×8 corner: its bytes (and so its stored file, since identical bytes
 * are stored once) belong to this test alone, whatever other tests uploaded before.
 */
async function uniqueTestPhoto() {
  const photo = await loadTestPhoto();
  const random = () => Math.floor(Math.random() * 256);
  const corner = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: random(), g: random(), b: random() } } }).png().toBuffer();
  const buffer = await sharp(photo.buffer).composite([{ input: corner, left: 0, top: 0 }]).jpeg({ quality: 92 }).toBuffer();
  return { ...photo, name: "unique.jpg", mimeType: "image/jpeg", buffer };
}

async function signIn(page: Page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<void> {
  await page.goto("/signin?next=/studies");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Full-page screenshots at 1440 and 390 px wide, kept with the test's artefacts; no sideways scroll at 390. */
async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width === 1440 ? 900 : 844 });
    // Let the layout settle (media queries, images).
    await page.waitForTimeout(150);
    const file = testInfo.outputPath(`workspace-${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await testInfo.attach(`${name}-${width}`, { path: file, contentType: "image/png" });
    if (width === 390) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** Decodes the QR codes in a screenshot with ZXing (the reader display mode uses). */
async function decodeQr(png: Buffer): Promise<string[]> {
  const wasm = await readFile(createRequire(import.meta.url).resolve("zxing-wasm/reader/zxing_reader.wasm"));
  await configureQrReader({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer });
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  const symbols = await readQrSymbols({ data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height });
  return symbols.map((symbol) => symbol.text);
}

/** A Pixel 7 page that reports its model through UA Client Hints, as Chrome on Android does. */
async function openPhone(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 412, height: 915 }, deviceScaleFactor: 2.625, isMobile: true, hasTouch: true, userAgent: ANDROID_IDENTITY.userAgent });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setUserAgentOverride", ANDROID_IDENTITY);
  return page;
}

test("create a study, print its poster, a phone joins through the QR code and its photo appears live; deletion request, close and delete", async ({ page, browser, request }, testInfo) => {
  await signIn(page);
  await expect(page).toHaveURL(/\/studies$/);
  await expect(page.getByRole("heading", { name: "Studies" })).toBeVisible();

  // New study with the default model; its preprocessing is shown.
  await page.getByRole("link", { name: "New study" }).click();
  await expect(page.getByTestId("model-preprocessing")).toContainText(/centre-crop|Stretch/);
  await expect(page.getByLabel(/Consent text/)).toHaveValue(/never keep your location/);
  await shoot(page, testInfo, "new-study");
  const name = `Workspace e2e ${Date.now().toString(36)}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create study" }).click();
  await expect(page).toHaveURL(/\/studies\/[^/]+$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const studyId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
  const code = (await page.getByTestId("join-code").textContent())!.trim();
  const joinUrl = (await page.getByTestId("join-url").textContent())!.trim();
  expect(joinUrl).toMatch(new RegExp(`/join/${code}$`));
  expect(await decodeQr(await page.getByTestId("join-qr").screenshot())).toEqual([joinUrl]);
  await shoot(page, testInfo, "study-empty");

  // The poster: name, QR code, one line of instructions; the toolbar is gone in print.
  await page.getByRole("link", { name: "Printable poster" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByText(/Scan with your phone/)).toBeVisible();
  const posterUrl = (await decodeQr(await page.getByTestId("poster-qr").screenshot()))[0];
  expect(posterUrl).toBe(joinUrl);
  await shoot(page, testInfo, "poster");
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("button", { name: "Print poster" })).toBeHidden();
  const printFile = testInfo.outputPath("workspace-poster-print.png");
  await page.screenshot({ path: printFile, fullPage: true });
  await testInfo.attach("poster-print", { path: printFile, contentType: "image/png" });
  const pdf = await page.pdf({ format: "A4" });
  await testInfo.attach("poster.pdf", { body: pdf, contentType: "application/pdf" });
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  // One A4 page: the poster fits.
  expect(pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g)?.length).toBe(1);
  await page.emulateMedia({ media: "screen" });

  // Back on the study page, which from now on is never reloaded.
  await page.getByRole("link", { name: "Back to the study" }).click();
  await expect(page.getByTestId("count-captures")).toContainText("0");
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await waitForQuietStorage(request);
  const blobsBefore = new Set(blobFiles());

  // A phone joins through the URL the poster's QR code holds, and takes a photo.
  const phone = await openPhone(browser);
  await phone.goto(posterUrl!);
  await expect(phone.getByTestId("consent-text")).toContainText("never keep your location");
  await phone.getByRole("button", { name: "I agree, take part" }).click();
  await phone.getByLabel("Scene code").fill("poster-scene");
  await waitForModel(phone);
  await takePhotoThroughChooser(phone, await uniqueTestPhoto());
  const card = phone.getByTestId("result-card").first();
  await expect(card).toHaveAttribute("data-upload", "uploaded", { timeout: 60_000 });
  const phoneTop1 = ((await card.getByTestId("top5").getByRole("listitem").first().textContent()) ?? "").trim();

  // The study page shows it without a reload: thumbnail, device model, top-1; the device identified by Client Hints.
  const tile = page.getByTestId("recent-capture");
  await expect(tile).toHaveCount(1, { timeout: 15_000 });
  await expect(tile).toContainText("pixel-7");
  await expect(tile).toContainText("poster-scene");
  const tileTop1 = ((await tile.locator("span").first().textContent()) ?? "").split(" · ")[0]!;
  expect(phoneTop1).toContain(tileTop1);
  await expect(tile.locator("img")).toHaveJSProperty("complete", true);
  expect(await tile.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(page.getByTestId("count-captures")).toContainText("1");
  const device = page.getByTestId("device-card");
  await expect(device).toHaveCount(1);
  await expect(device).toContainText("Client Hints");
  await expect(device).toContainText("Pixel 7");
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await shoot(page, testInfo, "study-live");
  await waitForQuietStorage(request);
  const photoFiles = blobFiles().filter((file) => !blobsBefore.has(file));
  expect(photoFiles.length).toBeGreaterThan(0);

  // Close: the joined phone's next photo is refused with a clear message; a new phone is told the study is closed.
  await page.getByRole("button", { name: "Close study" }).click();
  await expect(page.getByTestId("status-badge")).toHaveText("closed");
  await expect(page.getByTestId("study-status")).toContainText("Closed");
  await takePhotoThroughChooser(phone, await loadTestPhoto(2));
  await expect(phone.getByTestId("outbox-bar")).toContainText("This study is closed and no longer accepts photos", { timeout: 60_000 });
  const phoneShot = testInfo.outputPath("workspace-phone-study-closed-412.png");
  await phone.screenshot({ path: phoneShot, fullPage: true });
  await testInfo.attach("phone-study-closed", { path: phoneShot, contentType: "image/png" });
  const late = await openPhone(browser);
  await late.goto(joinUrl);
  await expect(late.getByText("This study is closed and no longer takes new participants.")).toBeVisible();
  expect((await request.post(`/api/v1/join/${code}`, { data: {} })).status()).toBe(410);
  await late.context().close();
  await expect(page.getByTestId("count-captures")).toContainText("1");
  await shoot(page, testInfo, "study-closed");

  // The volunteer asks for deletion from the phone's settings; the researcher sees it and honours it.
  await phone.getByRole("link", { name: "Settings" }).click();
  await phone.getByRole("button", { name: "Ask for deletion of my data" }).click();
  await expect(phone.getByText(/Deletion requested/)).toBeVisible();
  await expect(page.getByTestId("count-deletionRequests")).toContainText("1", { timeout: 15_000 });
  await expect(device).toHaveAttribute("data-deletion", "requested");
  await shoot(page, testInfo, "study-deletion-request");
  await device.getByRole("button", { name: "Delete this device's data" }).click();
  await device.getByRole("button", { name: "Delete for good" }).click();
  await expect(page.getByTestId("device-card")).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId("recent-capture")).toHaveCount(0);
  await expect(page.getByTestId("count-captures")).toContainText("0");
  for (const file of photoFiles) expect(blobFiles(), `photo file ${file} removed`).not.toContain(file);
  await phone.context().close();
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // Delete: the dialog names what goes and wants the join code typed.
  await page.getByRole("button", { name: "Delete study…" }).click();
  const preview = page.getByTestId("deletion-preview");
  await expect(preview).toContainText("0 devices");
  await expect(preview).toContainText("0 captures");
  await expect(preview).toContainText("1 scene");
  const confirm = page.getByRole("button", { name: "Delete study and its data" });
  await expect(confirm).toBeDisabled();
  await page.getByLabel(/Type the join code/).fill("WRONG");
  await expect(confirm).toBeDisabled();
  await page.getByLabel(/Type the join code/).fill(code.toLowerCase());
  await shoot(page, testInfo, "study-delete-dialog");
  await confirm.click();
  await expect(page).toHaveURL(/\/studies$/);
  await expect(page.getByText(name)).toHaveCount(0);
  expect((await request.get(`/api/v1/studies/${studyId}`, { headers: admin })).status()).toBe(404);
});

test("the studies list shows each study's model, devices, captures, activity and status", async ({ page, request }, testInfo) => {
  const open = await createStudy(request, { name: "List e2e open" });
  const closed = await createStudy(request, { name: "List e2e closed" });
  await request.patch(`/api/v1/studies/${closed.id}`, { headers: admin, data: { status: "closed" } });
  await joinStudy(request, open.code);
  await signIn(page);
  const row = page.getByTestId("study-row").filter({ hasText: "List e2e open" });
  await expect(row).toContainText("open");
  await expect(row).toContainText(/1\s*devices?/);
  await expect(page.getByTestId("study-row").filter({ hasText: "List e2e closed" })).toContainText("closed");
  await shoot(page, testInfo, "studies");

  // The demo study (filled by the simulated fleet at start-up), when this server made one: a busy study page.
  const demo = page.getByTestId("study-row").filter({ hasText: "demo" }).getByRole("link");
  if ((await demo.count()) > 0) {
    await waitForQuietStorage(request);
    await demo.first().click();
    await expect(page.getByTestId("study-live")).toBeVisible();
    await shoot(page, testInfo, "study-demo");
  }
});

test("settings: an API token is shown once and can be revoked; an invited researcher must change the one-time password", async ({ page, browser }, testInfo) => {
  await signIn(page);
  await page.goto("/settings");
  await page.getByLabel("Token name").fill("e2e notebook");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = ((await page.getByTestId("new-token-secret").textContent()) ?? "").trim();
  expect(secret).toMatch(/^plx_/);
  const me = await page.request.get("/api/v1/auth/me", { headers: { authorization: `Bearer ${secret}` } });
  expect(me.status()).toBe(200);
  const row = page.getByTestId("token-row").filter({ hasText: "e2e notebook" });
  await expect(row).toContainText("active");
  // Shown once: a reload lists the token without its secret.
  await page.reload();
  await expect(page.getByText(secret)).toHaveCount(0);

  const email = `invited-${Date.now().toString(36)}@example.org`;
  await page.getByLabel("Name", { exact: true }).fill("Invited Researcher");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Invite" }).click();
  const password = ((await page.getByTestId("invited-password").textContent()) ?? "").trim();
  expect(password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  await expect(page.getByTestId("researcher-row").filter({ hasText: email })).toContainText("invited");
  await shoot(page, testInfo, "settings");

  await page.getByTestId("token-row").filter({ hasText: "e2e notebook" }).getByRole("button", { name: "Revoke e2e notebook" }).click();
  await expect(page.getByTestId("token-row").filter({ hasText: "e2e notebook" })).toContainText("revoked");
  expect((await page.request.get("/api/v1/auth/me", { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(401);

  // The invited researcher signs in with the one-time password and is sent to choose a new one.
  const context = await browser.newContext();
  const invitedPage = await context.newPage();
  await signIn(invitedPage, email, password);
  await expect(invitedPage).toHaveURL(/\/signin\/password/);
  await context.close();
});

test("models registry: the built-in model with its preprocessing; a file that is not a model is refused, a real one is validated and offered to new studies", async ({ page }, testInfo) => {
  await signIn(page);
  await page.goto("/models");
  await expect(page.getByTestId("model-card").first()).toContainText("built-in");
  await expect(page.getByTestId("model-card").first()).toContainText(/mean \[/);
  await page.getByLabel("Name").fill("not a model");
  await page.getByLabel("ONNX file").setInputFiles({ name: "fake.onnx", mimeType: "application/octet-stream", buffer: Buffer.from("this is not onnx") });
  await page.getByLabel(/Labels/).setInputFiles({ name: "labels.txt", mimeType: "text/plain", buffer: Buffer.from("a\nb\n") });
  await page.getByRole("button", { name: "Upload and validate" }).click();
  await expect(page.locator("form").getByRole("alert")).toContainText(/not an ONNX model/, { timeout: 30_000 });

  // A real (tiny) model with matching labels is validated, registered and offered to new studies.
  await page.getByLabel("Name").fill("Tiny e2e classifier");
  await page.getByLabel("Preprocessing").selectOption("generic");
  // Its own doc_string (ModelProto field 6, appended: the last one wins) makes the file this test's
  // alone, so a model another test registered earlier does not make it "registered already".
  const docString = Buffer.from(`workspace e2e ${Date.now()}`);
  const onnx = Buffer.concat([await readFile(path.resolve(process.cwd(), "lib/models/test-fixtures/tiny-classifier-10.onnx")), Buffer.from([0x32, docString.length]), docString]);
  await page.getByLabel("ONNX file").setInputFiles({ name: "tiny-classifier-10.onnx", mimeType: "application/octet-stream", buffer: onnx });
  const labels = Array.from({ length: 10 }, (_, index) => `class ${index}`).join("\n");
  await page.getByLabel(/Labels/).setInputFiles({ name: "labels.txt", mimeType: "text/plain", buffer: Buffer.from(labels) });
  await page.getByRole("button", { name: "Upload and validate" }).click();
  await expect(page.getByRole("status").filter({ hasText: "validated and added" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("model-card").filter({ hasText: "Tiny e2e classifier" })).toContainText("10 classes");
  await shoot(page, testInfo, "models");
  await page.goto("/studies/new");
  await page.getByLabel("Model").selectOption({ label: "Tiny e2e classifier" });
  await expect(page.getByTestId("model-preprocessing")).toContainText("Stretch to");
});

test("workspace API: live view, deletion preview and delete need a researcher; the join code guards deletion; cookie writes need CSRF", async ({ request, playwright, baseURL }) => {
  const study = await createStudy(request, { name: "API e2e" });
  const anonymous = await playwright.request.newContext({ baseURL });
  expect((await anonymous.get(`/api/v1/studies/${study.id}/live`)).status()).toBe(401);
  expect((await anonymous.delete(`/api/v1/studies/${study.id}`)).status()).toBe(401);
  expect((await anonymous.post("/api/v1/researchers", { data: { email: "x@example.org", name: "X" } })).status()).toBe(401);
  const joined = await joinStudy(request, study.code);
  expect((await request.get(`/api/v1/studies/${study.id}/live`, { headers: { authorization: `Bearer ${joined.deviceToken}` } })).status()).toBe(403);

  const live = await (await request.get(`/api/v1/studies/${study.id}/live`, { headers: admin })).json();
  expect(live).toMatchObject({ studyId: study.id, status: "open", counts: { devices: 1, captures: 0 } });
  expect(live.devices[0].deviceModelSource).toBeDefined();
  const preview = await (await request.get(`/api/v1/studies/${study.id}/deletion-preview`, { headers: admin })).json();
  expect(preview.deletes).toMatchObject({ devices: 1, captures: 0 });
  const devicePreview = await request.get(`/api/v1/studies/${study.id}/deletion-preview?deviceId=${joined.deviceId}`, { headers: admin });
  expect((await devicePreview.json()).deletes.devices).toBe(1);

  // A cookie session without the CSRF header cannot delete.
  await anonymous.post("/api/v1/auth/signin", { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  const noCsrf = await anonymous.delete(`/api/v1/studies/${study.id}?confirm=${study.code}`);
  expect(noCsrf.status()).toBe(403);
  await anonymous.dispose();

  // Closed: no new joins, and uploads from a device that joined before are refused with a clear reason.
  expect((await request.patch(`/api/v1/studies/${study.id}`, { headers: admin, data: { status: "closed" } })).status()).toBe(200);
  expect((await request.post(`/api/v1/join/${study.code}`, { data: {} })).status()).toBe(410);
  const refused = await request.post("/api/v1/captures", {
    headers: { authorization: `Bearer ${joined.deviceToken}` },
    multipart: {
      meta: JSON.stringify({ clientCaptureId: crypto.randomUUID(), sceneKey: "late", captureMethod: "native-camera" }),
      image: { name: "p.jpg", mimeType: "image/jpeg", buffer: (await loadTestPhoto(1)).buffer },
    },
  });
  expect(refused.status()).toBe(410);
  expect((await refused.json()).error.message).toContain("closed");

  expect((await request.delete(`/api/v1/studies/${study.id}?confirm=WRONG1`, { headers: admin })).status()).toBe(400);
  const removeDevice = await request.delete(`/api/v1/studies/${study.id}/devices/${joined.deviceId}`, { headers: admin });
  expect(removeDevice.status()).toBe(200);
  expect((await removeDevice.json()).deleted.devices).toBe(1);
  expect((await request.get("/api/v1/devices/me", { headers: { authorization: `Bearer ${joined.deviceToken}` } })).status()).toBe(401);
  const deleted = await request.delete(`/api/v1/studies/${study.id}?confirm=${study.code}`, { headers: admin });
  expect(deleted.status()).toBe(200);
  expect((await request.get(`/api/v1/studies/${study.id}`, { headers: admin })).status()).toBe(404);
  expect((await request.get("/api/v1/openapi.json")).ok()).toBe(true);
});
