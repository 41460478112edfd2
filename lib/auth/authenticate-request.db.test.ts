import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/api/app-error";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { joinStudy } from "@/lib/devices/join-study";
import { createStudy } from "@/lib/studies/create-study";
import { insertTestModel } from "@/lib/studies/test-fixtures";
import { createApiToken, revokeApiToken } from "./api-tokens";
import { authenticateDevice, authenticateResearcher, type AuthOptions } from "./authenticate-request";
import { createAdminAccountIfMissing } from "./ensure-admin-account";
import { signInResearcher } from "./sign-in";

let db: TestDatabase;
const ADMIN_TOKEN = "admin-token-for-tests-0123456789";
const options: AuthOptions = { adminToken: ADMIN_TOKEN, adminEmail: "admin@test.local", adminPassword: "admin-password-1" };

const request = (headers: Record<string, string> = {}, method = "GET") => new Request("http://localhost/api/v1/studies", { method, headers });

async function expectError(promise: Promise<unknown>, code: string, reason?: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (reason) expect((error as AppError).details).toMatchObject({ reason });
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe("researcher and device authentication", () => {
  let adminId: string;
  let deviceToken: string;

  it("creates the admin once, with the configured password, and never twice", async () => {
    const logs: string[] = [];
    const first = await createAdminAccountIfMissing(db.prisma, { email: options.adminEmail, password: options.adminPassword, log: (l) => logs.push(l) });
    const second = await createAdminAccountIfMissing(db.prisma, { email: options.adminEmail, log: (l) => logs.push(l) });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(await db.prisma.researcher.count()).toBe(1);
    const admin = await db.prisma.researcher.findFirstOrThrow();
    adminId = admin.id;
    expect(admin.isAdmin).toBe(true);
    expect(admin.passwordHash).not.toContain(options.adminPassword!);
    expect(logs).toHaveLength(1);
  });

  it("prints a one-time password when none is configured, and it signs in", async () => {
    const fresh = await createTestDatabase();
    try {
      const logs: string[] = [];
      const result = await createAdminAccountIfMissing(fresh.prisma, { email: "first@test.local", log: (l) => logs.push(l) });
      expect(result.oneTimePassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
      expect(logs.join("\n")).toContain(result.oneTimePassword!);
      const signed = await signInResearcher(fresh.prisma, { email: "first@test.local", password: result.oneTimePassword! });
      expect(signed.researcher.mustChangePassword).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it("answers 401 without credentials and for unknown tokens or a malformed header", async () => {
    await expectError(authenticateResearcher(db.prisma, request(), options), "unauthorized", "missing_credentials");
    await expectError(authenticateResearcher(db.prisma, request({ authorization: "Bearer plx_nope" }), options), "unauthorized", "invalid_token");
    await expectError(authenticateResearcher(db.prisma, request({ authorization: "Basic abc" }), options), "unauthorized");
  });

  it("accepts the admin token as the admin researcher", async () => {
    const auth = await authenticateResearcher(db.prisma, request({ authorization: `Bearer ${ADMIN_TOKEN}` }), options);
    expect(auth).toEqual({ researcherId: adminId, via: "admin-token" });
  });

  it("accepts an API token until it is revoked or expired", async () => {
    const created = await createApiToken(db.prisma, adminId, { name: "script" });
    expect(created.token).toMatch(/^plx_/);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    const stored = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.tokenHash).not.toContain(created.token);
    const auth = await authenticateResearcher(db.prisma, request({ authorization: `Bearer ${created.token}` }), options);
    expect(auth).toEqual({ researcherId: adminId, via: "token" });
    await revokeApiToken(db.prisma, adminId, created.id);
    await expectError(authenticateResearcher(db.prisma, request({ authorization: `Bearer ${created.token}` }), options), "unauthorized", "revoked_token");

    const expiring = await createApiToken(db.prisma, adminId, { name: "short", expiresInDays: 1 });
    const later = new Date(Date.now() + 2 * 86_400_000);
    await expectError(authenticateResearcher(db.prisma, request({ authorization: `Bearer ${expiring.token}` }), { ...options, now: later }), "unauthorized", "expired_token");
  });

  it("sessions: cookie reads work, writes need the CSRF header", async () => {
    const { session } = await signInResearcher(db.prisma, { email: options.adminEmail, password: options.adminPassword! });
    const cookie = `parallax_session=${session.token}`;
    expect(await authenticateResearcher(db.prisma, request({ cookie }), options)).toEqual({ researcherId: adminId, via: "session" });
    await expectError(authenticateResearcher(db.prisma, request({ cookie }, "POST"), options), "forbidden", "csrf");
    await expectError(authenticateResearcher(db.prisma, request({ cookie, "x-csrf-token": "wrong" }, "POST"), options), "forbidden", "csrf");
    const ok = await authenticateResearcher(db.prisma, request({ cookie, "x-csrf-token": session.csrfToken }, "POST"), options);
    expect(ok.via).toBe("session");
    await expectError(authenticateResearcher(db.prisma, request({ cookie: "parallax_session=pxs_forged" }), options), "unauthorized", "invalid_session");
  });

  it("refuses wrong passwords and unknown emails alike", async () => {
    await expectError(signInResearcher(db.prisma, { email: options.adminEmail, password: "wrong" }), "unauthorized", "bad_credentials");
    await expectError(signInResearcher(db.prisma, { email: "nobody@test.local", password: "wrong" }), "unauthorized", "bad_credentials");
  });

  it("device tokens: 403 on researcher endpoints, accepted on device endpoints; researcher tokens 403 on device endpoints", async () => {
    await insertTestModel(db.prisma);
    const study = await createStudy(db.prisma, { name: "s" });
    const joined = await joinStudy(db.prisma, study.code, {});
    deviceToken = joined.deviceToken;
    expect(deviceToken).toMatch(/^pxd_/);
    await expectError(authenticateResearcher(db.prisma, request({ authorization: `Bearer ${deviceToken}` }), options), "forbidden", "device_token");
    expect(await authenticateDevice(db.prisma, request({ authorization: `Bearer ${deviceToken}` }), options)).toEqual({ deviceId: joined.deviceId, studyId: study.id });
    await expectError(authenticateDevice(db.prisma, request({ authorization: `Bearer ${ADMIN_TOKEN}` }), options), "forbidden", "researcher_token");
    await expectError(authenticateDevice(db.prisma, request(), options), "unauthorized", "missing_credentials");
    await db.prisma.device.update({ where: { id: joined.deviceId }, data: { revokedAt: new Date() } });
    await expectError(authenticateDevice(db.prisma, request({ authorization: `Bearer ${deviceToken}` }), options), "unauthorized", "revoked_token");
  });
});
