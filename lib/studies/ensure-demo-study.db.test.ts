import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { ensureBuiltinModels, listBuiltinStimuli } from "@/lib/models/builtin-models";
import { LocalBlobStore } from "@/lib/storage/local-blob-store";
import { createStudy } from "./create-study";
import { ensureDemoStudy } from "./ensure-demo-study";

let db: TestDatabase;
let dir: string;
let store: LocalBlobStore;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), "parallax-demo-"));
  store = new LocalBlobStore(dir);
  await ensureBuiltinModels(db.prisma, store);
}, 120_000);
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("ensureDemoStudy", () => {
  it("creates the demo study once, with the default model's 24 stimuli as labelled scenes", async () => {
    const first = await ensureDemoStudy(db.prisma, store);
    expect(first).toMatchObject({ created: true, captures: 0 });
    const second = await ensureDemoStudy(db.prisma, store);
    expect(second).toEqual({ studyId: first!.studyId, created: false, captures: 0 });
    expect(await db.prisma.study.count()).toBe(1);

    const study = await db.prisma.study.findUniqueOrThrow({ where: { id: first!.studyId }, include: { model: true, scenes: { orderBy: { position: "asc" } } } });
    expect(study.isDemo).toBe(true);
    expect(study.status).toBe("open");
    expect(study.model.isBuiltin).toBe(true);
    const stimuli = listBuiltinStimuli();
    expect(study.scenes.map((scene) => [scene.key, scene.label, scene.labelIndex])).toEqual(stimuli.map((s) => [s.key, s.label, s.labelIndex]));
    for (const [index, scene] of study.scenes.entries()) {
      const bytes = await store.get(scene.stimulusBlobKey!);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(scene.stimulusSha256);
      expect(Buffer.from(bytes).equals(Buffer.from(stimuli[index]!.readBytes()))).toBe(true);
      expect(scene.stimulusMime).toBe("image/png");
    }
  });

  it("is not created again on a database that has studies but no demo (the researcher deleted it)", async () => {
    const other = await createTestDatabase();
    try {
      await ensureBuiltinModels(other.prisma, store);
      await createStudy(other.prisma, { name: "A real study" });
      expect(await ensureDemoStudy(other.prisma, store)).toBeNull();
      expect(await other.prisma.study.count({ where: { isDemo: true } })).toBe(0);
    } finally {
      await other.close();
    }
  }, 120_000);
});
