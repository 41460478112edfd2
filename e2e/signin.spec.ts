// The researcher sign-in page: a wrong password is refused with a message, the right one signs in
// (httpOnly session cookie) and lands on the page asked for; sign-out ends the session.
import { expect, test } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./support/ingest-api";

test("signing in and out @phone", async ({ page, context }, testInfo) => {
  await page.goto("/signin?next=/api/v1/auth/me");
  await expect(page.getByRole("heading", { name: "Researcher sign-in" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath(`signin-${testInfo.project.name}.png`), fullPage: true });

  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("The email or password is not right.")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath(`signin-error-${testInfo.project.name}.png`), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/api\/v1\/auth\/me$/);
  expect(JSON.parse((await page.locator("body").textContent()) ?? "{}")).toMatchObject({ researcher: { email: ADMIN_EMAIL, isAdmin: true }, via: "session" });
  const session = (await context.cookies()).find((cookie) => cookie.name === "parallax_session");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  const csrf = (await context.cookies()).find((cookie) => cookie.name === "parallax_csrf");
  expect(csrf?.httpOnly).toBe(false);

  // Signed in, /signin forwards; the password page shows the signed-in account.
  await page.goto("/signin?next=/");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/signin/password");
  await expect(page.getByRole("heading", { name: "Choose a password" })).toBeVisible();
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill("a-new-password-123");
  await page.getByRole("button", { name: "Save password" }).click();
  await expect(page.getByText("The current password is not right.")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath(`signin-password-${testInfo.project.name}.png`), fullPage: true });

  // Sign out through the API with the CSRF cookie's value, as the workspace's button does.
  const status = await page.evaluate(async () => {
    const token = document.cookie.split("; ").find((c) => c.startsWith("parallax_csrf="))?.split("=")[1] ?? "";
    return (await fetch("/api/v1/auth/signout", { method: "POST", headers: { "x-csrf-token": decodeURIComponent(token) } })).status;
  });
  expect(status).toBe(200);
  expect((await page.request.get("/api/v1/auth/me")).status()).toBe(401);
});

test("cross-site sign-in form posts are refused", async ({ request }) => {
  const response = await request.post("/api/v1/auth/signin", {
    headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    form: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(403);
});
