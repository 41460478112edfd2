import { describe, expect, it } from "vitest";
import { createSafeNamer, extensionOfMime, hasSplitKeyword, toSafeSegment } from "./safe-file-names";

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

describe("toSafeSegment", () => {
  it.each([
    ["scene-01", "scene-01"],
    ["pixel-7", "pixel-7"],
    ["iphone", "iphone"],
  ])("keeps %s", (input, expected) => expect(toSafeSegment(input)).toBe(expected));

  it.each(["a/b", "a\\b", "..", ".", "", "con", "NUL.txt", "COM1", "café", "名前", "a:b*c?d\"e<f>g|h", " trailing ", "dot.", "x".repeat(300), "emoji 📷"])(
    "makes %j safe for every filesystem",
    (input) => {
      const name = toSafeSegment(input);
      expect(name).toMatch(SAFE);
      expect(name).not.toMatch(/\.$/);
      expect(name.split(".")[0]).not.toMatch(/^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i);
    },
  );

  it.each(["test", "Train", "val-3", "scene_dev", "2024-eval.1", "pixel-7-test", "my validation set"])("keeps the split keyword out of %j (datasets would read it as a split)", (input) => {
    expect(hasSplitKeyword(input)).toBe(true);
    const name = toSafeSegment(input);
    expect(hasSplitKeyword(name)).toBe(false);
    expect(name).toMatch(SAFE);
  });

  it("leaves words that merely contain a keyword alone", () => {
    for (const name of ["latest", "contest-1", "devices", "evaluate", "interval", "trainer"]) {
      expect(hasSplitKeyword(name)).toBe(false);
      expect(toSafeSegment(name)).toBe(name);
    }
  });

  it("never maps two different keys to one name, even ignoring case", () => {
    const namer = createSafeNamer();
    const keys = ["a/b", "a_b", "a?b", "Scene", "scene", "SCENE", "café", "cafe", "x".repeat(300), `${"x".repeat(300)}y`];
    const names = keys.map(namer);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(keys.length);
    expect(namer("a/b")).toBe(names[0]);
    // Deterministic: a fresh namer fed the same order gives the same names.
    expect(keys.map(createSafeNamer())).toEqual(names);
  });
});

describe("extensionOfMime", () => {
  it("maps stored image types", () => {
    expect([extensionOfMime("image/jpeg"), extensionOfMime("image/png"), extensionOfMime("image/webp")]).toEqual(["jpg", "png", "webp"]);
  });
});
