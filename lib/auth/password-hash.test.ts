import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password-hash";

const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery", cheap);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterY", stored)).toBe(false);
  });

  it("salts: the same password hashes differently each time", async () => {
    expect(await hashPassword("same", cheap)).not.toBe(await hashPassword("same", cheap));
  });

  it("uses a memory-hard default cost (32 MiB) and refuses malformed hashes", async () => {
    const stored = await hashPassword("x");
    const [, N, r] = stored.split("$");
    expect(128 * Number(N) * Number(r)).toBeGreaterThanOrEqual(32 * 2 ** 20);
    expect(await verifyPassword("x", "plain")).toBe(false);
    expect(await verifyPassword("x", "scrypt$99999999$8$1$a$b")).toBe(false);
  });
});
