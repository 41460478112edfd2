import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/api/app-error";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { addScenes, listScenes } from "./add-scenes";
import { createStudy } from "./create-study";
import { DEFAULT_CONSENT_TEXT } from "./default-consent-text";
import { getStudyByCode, getStudyById } from "./get-study";
import { JOIN_CODE_ALPHABET } from "./join-code";
import { addScenesInputSchema } from "./study-schemas";
import { readStudySettings } from "./study-settings";
import { insertTestModel } from "./test-fixtures";
import { updateStudy } from "./update-study";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe("studies", () => {
  it("needs a model: a clear 422 when none is registered", async () => {
    await expect(createStudy(db.prisma, { name: "x" })).rejects.toMatchObject({ code: "unprocessable" });
  });

  it("creates a study with the default model, an unambiguous join code, default consent and settings", async () => {
    await insertTestModel(db.prisma, { name: "user model", isBuiltin: false });
    const builtin = await insertTestModel(db.prisma, { name: "builtin", isBuiltin: true });
    const study = await createStudy(db.prisma, { name: "Colour chart", settings: { allowGallery: false } });
    expect(study.modelId).toBe(builtin.id);
    expect(study.code).toMatch(new RegExp(`^[${JOIN_CODE_ALPHABET}]{6}$`));
    expect(study.code).not.toMatch(/[01OI]/);
    expect(study.consentText).toBe(DEFAULT_CONSENT_TEXT);
    expect(DEFAULT_CONSENT_TEXT).toMatch(/photos/);
    expect(DEFAULT_CONSENT_TEXT).toMatch(/device/);
    expect(DEFAULT_CONSENT_TEXT).toMatch(/never keep your location/);
    expect(readStudySettings(study.settings)).toMatchObject({ allowGallery: false, allowUnknownScenes: true, allowLiveCamera: true });
    expect((await getStudyByCode(db.prisma, ` ${study.code.toLowerCase().slice(0, 3)}-${study.code.slice(3)} `)).id).toBe(study.id);
  });

  it("draws another code when the first one is taken", async () => {
    const codes = ["AAAAAA", "AAAAAA", "BBBBBB"];
    const first = await createStudy(db.prisma, { name: "a" }, { generateCode: () => codes.shift()! });
    const second = await createStudy(db.prisma, { name: "b" }, { generateCode: () => codes.shift()! });
    expect([first.code, second.code]).toEqual(["AAAAAA", "BBBBBB"]);
  });

  it("unknown codes and ids are 404", async () => {
    await expect(getStudyByCode(db.prisma, "ZZZZZZ")).rejects.toMatchObject({ code: "not_found" });
    await expect(getStudyById(db.prisma, "nope")).rejects.toBeInstanceOf(AppError);
  });

  it("updates settings by merging and closes a study", async () => {
    const study = await createStudy(db.prisma, { name: "c" });
    const updated = await updateStudy(db.prisma, study.id, { settings: { allowLiveCamera: false }, status: "closed" });
    expect(updated.status).toBe("closed");
    expect(readStudySettings(updated.settings)).toMatchObject({ allowLiveCamera: false, allowGallery: true });
  });

  it("bulk scenes: creates in order, updates labels, matches labels to class indices, refuses duplicates", async () => {
    const study = await createStudy(db.prisma, { name: "scenes" });
    const first = await addScenes(db.prisma, study.id, addScenesInputSchema.parse([{ key: "s1", label: "Green" }, { key: "s2" }]));
    expect(first.created).toBe(2);
    expect(first.scenes.map((s) => [s.key, s.labelIndex, s.position])).toEqual([
      ["s1", 1, 0],
      ["s2", null, 1],
    ]);
    const second = await addScenes(db.prisma, study.id, addScenesInputSchema.parse({ scenes: [{ key: "s2", label: "blue" }, { key: "s3" }] }));
    expect([second.created, second.updated]).toEqual([1, 1]);
    expect((await listScenes(db.prisma, study.id)).map((s) => [s.key, s.label, s.labelIndex, s.position])).toEqual([
      ["s1", "Green", 1, 0],
      ["s2", "blue", 2, 1],
      ["s3", null, null, 2],
    ]);
    await expect(addScenes(db.prisma, study.id, [{ key: "d" }, { key: "d" }])).rejects.toMatchObject({ code: "validation_failed" });
    await expect(addScenes(db.prisma, study.id, [{ key: "e", labelIndex: 3 }])).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("scene keys refuse paths, unicode and '..'", () => {
    for (const key of ["../etc/passwd", "a/b", "a\\b", "..", "a..b", "ścena", "", " x", "x".repeat(101), "a\u0000b"]) {
      expect(addScenesInputSchema.safeParse([{ key }]).success, key).toBe(false);
    }
    expect(addScenesInputSchema.safeParse([{ key: "Patch-07_a.1" }]).success).toBe(true);
  });
});
