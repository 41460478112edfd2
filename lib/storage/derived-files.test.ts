import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createDerivedFileMaker } from "./derived-files";

describe("derived files", () => {
  it("are made once among concurrent callers, who all get the writer's value", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "parallax-derived-"));
    const file = path.join(dir, "ab", "abc.bin");
    const make = createDerivedFileMaker();
    let writes = 0;
    const write = async (temporary: string) => {
      writes += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      await writeFile(temporary, "made");
      return "value";
    };
    expect(await Promise.all([make(file, write), make(file, write), make(file, write)])).toEqual(["value", "value", "value"]);
    expect(writes).toBe(1);
    expect(readFileSync(file, "utf8")).toBe("made");
    expect(readdirSync(path.dirname(file))).toEqual(["abc.bin"]);
  });

  it("leave neither the file nor a temporary file when the writer fails, and a later call makes it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "parallax-derived-"));
    const file = path.join(dir, "x.bin");
    const make = createDerivedFileMaker();
    await expect(
      make(file, async (temporary) => {
        await writeFile(temporary, "half");
        throw new Error("broken source");
      }),
    ).rejects.toThrow("broken source");
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    await make(file, (temporary) => writeFile(temporary, "whole"));
    expect(readFileSync(file, "utf8")).toBe("whole");
  });
});
