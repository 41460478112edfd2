// The live camera on the phone page, with Chromium's fake camera fed a .y4m video made here (a
// flat colour-checker "cyan" patch): one photo, then a burst of three about a second apart sharing
// one burst id. The server stores them as live-camera captures; the model on the phone sees cyan.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { CHROMIUM_ARGS } from "../playwright.config";
import { applyProjectIdentity, createPhoneStudy, expectNoHorizontalScroll, joinThroughPage, listStudyCaptures, outboxCount, screenshot, typeSceneKey, waitForModel, waitForReferences } from "./phone-helpers";

/** A YUV4MPEG2 video (I420, BT.601 limited range) of `frames` frames of one flat sRGB colour. */
function writeFlatColourY4m(file: string, rgb: [number, number, number], width = 640, height = 480, frames = 3): void {
  const [r, g, b] = rgb.map((v) => v / 255) as [number, number, number];
  const y = Math.round(16 + 65.481 * r + 128.553 * g + 24.966 * b);
  const cb = Math.round(128 - 37.797 * r - 74.203 * g + 112 * b);
  const cr = Math.round(128 + 112 * r - 93.786 * g - 18.214 * b);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), Buffer.alloc(width * height, y), Buffer.alloc((width * height) / 4, cb), Buffer.alloc((width * height) / 4, cr)]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420\n`);
  writeFileSync(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}

const CYAN: [number, number, number] = [8, 133, 161];
const videoFile = path.join(mkdtempSync(path.join(tmpdir(), "parallax-fake-camera-")), "cyan.y4m");
writeFlatColourY4m(videoFile, CYAN);

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: [...CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${videoFile}`],
  },
  permissions: ["camera"],
});
test.setTimeout(180_000);

test("live camera: one photo, then a burst of three a second apart with one burst id @phone", async ({ page, request }, testInfo) => {
  await applyProjectIdentity(page, testInfo);
  const study = await createPhoneStudy(request, { settings: { allowLiveCamera: true, allowBurst: true, burstSize: 3, burstIntervalMs: 1000 } });
  await joinThroughPage(page, study.code);
  await typeSceneKey(page, "cyan-patch");
  await waitForModel(page);

  await page.getByRole("button", { name: /Use the live camera/ }).click();
  const camera = page.getByTestId("live-camera");
  await expect(camera.getByText(/Camera on/)).toBeVisible({ timeout: 20_000 });
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, "live-camera");

  await camera.getByRole("button", { name: "Take photo" }).click();
  await expect(page.getByTestId("result-card")).toHaveCount(1);
  await camera.getByRole("button", { name: "Burst ×3" }).click();
  await expect(camera.getByText("Burst of 3 photos saved.")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("result-card")).toHaveCount(4);
  for (const card of await page.getByTestId("result-card").all()) {
    await expect(card.getByTestId("top5").getByRole("listitem").first()).toContainText("cyan", { timeout: 30_000 });
    await expect(card).toHaveAttribute("data-upload", "uploaded", { timeout: 30_000 });
  }
  await expect(outboxCount(page)).toHaveText("0");
  await screenshot(page, testInfo, "live-camera-results");

  const captures = await listStudyCaptures(request, study.id);
  expect(captures).toHaveLength(4);
  expect(captures.every((c) => c.captureMethod === "live-camera" && c.sceneKey === "cyan-patch")).toBe(true);
  const burst = captures.filter((c) => c.burstId !== null).sort((a, b) => a.burstIndex! - b.burstIndex!);
  expect(burst.map((c) => c.burstIndex)).toEqual([0, 1, 2]);
  expect(new Set(burst.map((c) => c.burstId)).size).toBe(1);
  const times = burst.map((c) => Date.parse(c.capturedAt!));
  for (let i = 1; i < times.length; i++) {
    // About a second apart (the interval runs from the start of each shot).
    expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(900);
    expect(times[i]! - times[i - 1]!).toBeLessThan(5000);
  }
  const single = captures.find((c) => c.burstId === null)!;
  expect(single.predictions.find((p) => p.source === "device")!.top[0]!.label).toBe("cyan");

  // The server's reference ran on the same bytes (frames are PNGs: a PNG decoder that failed on the
  // server, whatever ran before in this process, would leave them "failed").
  const referenced = await waitForReferences(request, study.id, 4);
  for (const capture of referenced) expect(capture.predictions.find((p) => p.source === "reference")!.top[0]!.label).toBe("cyan");
});
