// Who may read and write what: every researcher endpoint in the OpenAPI document answers 401
// without credentials and 403 with a device token; device endpoints refuse researcher tokens;
// a device reads only its own captures and cannot act in another study; cookie sessions need
// the CSRF header for writes; rate limits answer 429 with Retry-After.
import { expect, test, type APIResponse } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, admin, bearer, createStudy, joinStudy, makePhoto, newCaptureMeta, uploadCapture } from "./support/ingest-api";

type Operation = { security: Array<Record<string, string[]>> };

test("every researcher endpoint: 401 without credentials, 403 with a device token; device endpoints: 403 with a researcher token", async ({ request }) => {
  const study = await createStudy(request);
  const device = await joinStudy(request, study.code);
  const doc = await (await request.get("/api/v1/openapi.json")).json();
  let researcherEndpoints = 0;
  let deviceEndpoints = 0;
  let bothEndpoints = 0;
  for (const [template, methods] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      const schemes = operation.security.flatMap((entry) => Object.keys(entry));
      if (schemes.length === 0) continue;
      const path = template.replace("{id}", study.id).replace("{code}", study.code);
      const call = (headers: Record<string, string>) => request.fetch(path, { method: method.toUpperCase(), headers: { ...headers, "content-type": "application/json" }, data: method === "get" || method === "delete" ? undefined : "{}" });
      if (schemes.includes("researcherToken") && schemes.includes("deviceToken")) {
        // Open to a device of the study and to researchers alike (each gets its own view).
        bothEndpoints += 1;
        expect((await call({})).status(), `${method} ${template} without credentials`).toBe(401);
        if (method === "get") {
          expect((await call(bearer(device.deviceToken))).status(), `${method} ${template} with the study's device token`).toBe(200);
          expect((await call(admin)).status(), `${method} ${template} with a researcher token`).toBe(200);
        }
      } else if (schemes.includes("researcherToken")) {
        researcherEndpoints += 1;
        const anonymous = await call({});
        expect(anonymous.status(), `${method} ${template} without credentials`).toBe(401);
        expect((await anonymous.json()).error.code).toBe("unauthorized");
        const asDevice = await call(bearer(device.deviceToken));
        expect(asDevice.status(), `${method} ${template} with a device token`).toBe(403);
        expect((await asDevice.json()).error.code).toBe("forbidden");
      } else if (schemes.includes("deviceToken")) {
        deviceEndpoints += 1;
        expect((await call({})).status(), `${method} ${template} without credentials`).toBe(401);
        expect((await call(admin)).status(), `${method} ${template} with a researcher token`).toBe(403);
      }
    }
  }
  expect(researcherEndpoints).toBeGreaterThanOrEqual(15);
  expect(deviceEndpoints).toBeGreaterThanOrEqual(4);
  expect(bothEndpoints).toBeGreaterThanOrEqual(1);
});

test("a device reads only its own captures, and its token is refused in another study", async ({ request }) => {
  const study = await createStudy(request);
  const other = await createStudy(request);
  const a = await joinStudy(request, study.code);
  const b = await joinStudy(request, study.code);
  const stranger = await joinStudy(request, other.code);
  const stored = await (await uploadCapture(request, a.deviceToken, { meta: newCaptureMeta("s1"), image: await makePhoto(11) })).json();
  await uploadCapture(request, b.deviceToken, { meta: newCaptureMeta("s1"), image: await makePhoto(12) });

  const bSees = await (await request.get("/api/v1/devices/me/captures", { headers: bearer(b.deviceToken) })).json();
  expect(bSees.items).toHaveLength(1);
  expect(bSees.items[0].deviceId).toBe(b.deviceId);
  // Filters cannot widen the scope to another device.
  const sneaky = await request.get(`/api/v1/devices/me/captures?deviceId=${a.deviceId}`, { headers: bearer(b.deviceToken) });
  expect(sneaky.status()).toBe(400);
  expect((await request.get(`/api/v1/captures/${stored.capture.id}`, { headers: bearer(b.deviceToken) })).status()).toBe(403);
  expect((await request.get(`/api/v1/captures/${stored.capture.id}/image`, { headers: bearer(a.deviceToken) })).status()).toBe(403);
  const strangerSees = await (await request.get("/api/v1/devices/me/captures", { headers: bearer(stranger.deviceToken) })).json();
  expect(strangerSees.items).toEqual([]);
  const crossUpload = await uploadCapture(request, stranger.deviceToken, { meta: newCaptureMeta("s1", { studyId: study.id }), image: await makePhoto(13) });
  expect(crossUpload.status()).toBe(403);
  expect((await crossUpload.json()).error.details.reason).toBe("other_study");
  expect((await request.get(`/api/v1/studies/${study.id}`, { headers: bearer(stranger.deviceToken) })).status()).toBe(403);
});

test("cookie sessions: reads work, writes need X-CSRF-Token; sign-out ends the session", async ({ playwright, baseURL }) => {
  const browserless = await playwright.request.newContext({ baseURL });
  const signIn = await browserless.post("/api/v1/auth/signin", { data: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  expect(signIn.status()).toBe(200);
  const { csrfToken } = await signIn.json();
  const cookies = signIn.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value);
  expect(cookies.find((c) => c.startsWith("parallax_session="))).toMatch(/HttpOnly/i);
  expect(cookies.find((c) => c.startsWith("parallax_session="))).toMatch(/SameSite=Lax/i);
  expect((await browserless.get("/api/v1/auth/me")).status()).toBe(200);
  const withoutCsrf = await browserless.post("/api/v1/studies", { data: { name: "csrf" } });
  expect(withoutCsrf.status()).toBe(403);
  expect((await withoutCsrf.json()).error.details.reason).toBe("csrf");
  expect((await browserless.post("/api/v1/studies", { data: { name: "csrf ok" }, headers: { "x-csrf-token": csrfToken } })).status()).toBe(201);
  const wrongPassword = await browserless.post("/api/v1/auth/signin", { data: { email: ADMIN_EMAIL, password: "not it" } });
  expect(wrongPassword.status()).toBe(401);
  expect((await browserless.post("/api/v1/auth/signout", { headers: { "x-csrf-token": csrfToken } })).status()).toBe(200);
  expect((await browserless.get("/api/v1/auth/me")).status()).toBe(401);
  await browserless.dispose();
});

test("a device over its rate limit gets 429 with Retry-After", async ({ request }) => {
  const study = await createStudy(request);
  const device = await joinStudy(request, study.code);
  let limited: APIResponse | undefined;
  for (let i = 0; i < 400 && !limited; i++) {
    const response = await request.get("/api/v1/devices/me", { headers: bearer(device.deviceToken) });
    if (response.status() === 429) limited = response;
    else expect(response.status()).toBe(200);
  }
  expect(limited, "no 429 within 400 requests").toBeDefined();
  expect(Number(limited!.headers()["retry-after"])).toBeGreaterThanOrEqual(1);
  expect((await limited!.json()).error.code).toBe("rate_limited");
});
