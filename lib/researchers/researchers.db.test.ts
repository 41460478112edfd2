import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password-hash";
import { signInResearcher } from "@/lib/auth/sign-in";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { inviteResearcher } from "./invite-researcher";
import { listResearchers } from "./list-researchers";

const FAST_COST = { N: 2 ** 10, r: 8, p: 1 };
const fastHash = (password: string) => hashPassword(password, FAST_COST);

let db: TestDatabase;
let adminId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  adminId = (await db.prisma.researcher.create({ data: { email: "admin@example.org", name: "Admin", passwordHash: await fastHash("admin-password"), isAdmin: true } })).id;
});
afterAll(async () => {
  await db?.close();
});

describe("inviting a researcher", () => {
  it("creates an account with a hashed one-time password that signs in and must be changed", async () => {
    const invited = await inviteResearcher(db.prisma, adminId, { email: "Ada@Example.org", name: "Ada" }, { hash: fastHash });
    expect(invited.researcher).toMatchObject({ email: "ada@example.org", name: "Ada", isAdmin: false, mustChangePassword: true, invitedById: adminId });
    expect(invited.oneTimePassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    const row = await db.prisma.researcher.findUniqueOrThrow({ where: { id: invited.researcher.id } });
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain(invited.oneTimePassword);
    const signedIn = await signInResearcher(db.prisma, { email: "ada@example.org", password: invited.oneTimePassword });
    expect(signedIn.researcher.mustChangePassword).toBe(true);
    expect((await listResearchers(db.prisma)).map((r) => r.email)).toEqual(["admin@example.org", "ada@example.org"]);
  });

  it("refuses a taken email and a non-admin inviter", async () => {
    await expect(inviteResearcher(db.prisma, adminId, { email: "ADA@example.org", name: "Again" }, { hash: fastHash })).rejects.toMatchObject({ code: "conflict" });
    const ada = await db.prisma.researcher.findUniqueOrThrow({ where: { email: "ada@example.org" } });
    await expect(inviteResearcher(db.prisma, ada.id, { email: "bob@example.org", name: "Bob" }, { hash: fastHash })).rejects.toMatchObject({ code: "forbidden" });
    expect(await db.prisma.researcher.count()).toBe(2);
  });
});
