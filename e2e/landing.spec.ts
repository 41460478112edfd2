import { expect, test } from "@playwright/test";

test("the landing page says what Parallax is and leads to joining and signing in @phone", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("different phones");
  await expect(page.getByRole("link", { name: "Join a study" }).first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Researcher sign-in" }).first()).toBeVisible();
  // No horizontal scrolling on a phone.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath(`landing-${testInfo.project.name}.png`), fullPage: true });
});

test("typing a join code leads to that study's join page @phone", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Study code").fill(" k7q2-mx ");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page).toHaveURL(/\/join\/K7Q2MX$/);
});

test("health reports the embedded database and its migrations", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.status).toBe("ok");
  expect(body.database).toBe(process.env.E2E_DATABASE_URL ? "postgresql" : "embedded");
  expect(body.migrations).toContain("20261125000000_init");
});
