import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { classifyOnServer } from "@/lib/reference/run-reference-inference";
import { LocalBlobStore } from "@/lib/storage/local-blob-store";
import sharp from "sharp";
import { ensureBuiltinModels, listBuiltinStimuli } from "./builtin-models";
import { listModels } from "./register-model";

let db: TestDatabase;
let dir: string;
let store: LocalBlobStore;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), "parallax-builtin-"));
  store = new LocalBlobStore(dir);
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("built-in colour-checker model", () => {
  it("registers once, however often start-up runs", async () => {
    const first = await ensureBuiltinModels(db.prisma, store);
    const second = await ensureBuiltinModels(db.prisma, store);
    expect(second.id).toBe(first.id);
    expect(await listModels(db.prisma)).toHaveLength(1);
    expect(first).toMatchObject({ isBuiltin: true, numClasses: 24, inputWidth: 32, layout: "NCHW", source: "builtin:colorchecker" });
    expect(first.fileUrl).toBe(`/m/${first.sha256}.onnx`);
  });

  it("names each of its 24 stimuli correctly and confidently on the server reference", async () => {
    const model = await ensureBuiltinModels(db.prisma, store);
    const stimuli = listBuiltinStimuli();
    expect(stimuli).toHaveLength(24);
    for (const stimulus of stimuli) {
      const { prediction } = await classifyOnServer(model, stimulus.readBytes(), { readModelBytes: (sha) => store.get(sha) });
      expect(prediction.top[0], stimulus.label).toMatchObject({ index: stimulus.labelIndex, label: stimulus.label });
      expect(prediction.top[0]!.prob).toBeGreaterThan(0.5);
    }
  });

  it("changes its answer when the white balance of a photo shifts (what it is for)", async () => {
    const model = await ensureBuiltinModels(db.prisma, store);
    const neutral = listBuiltinStimuli().find((s) => s.label === "neutral 6.5")!;
    const [r, g, b] = neutral.srgb;
    const photo = async (rgb: [number, number, number]) =>
      new Uint8Array(await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).jpeg({ quality: 92 }).toBuffer());
    const asShot = await classifyOnServer(model, await photo([r, g, b]), { readModelBytes: (sha) => store.get(sha) });
    const warm = await classifyOnServer(model, await photo([Math.min(255, r + 40), g, Math.max(0, b - 45)]), { readModelBytes: (sha) => store.get(sha) });
    expect(asShot.prediction.top[0]!.label).toBe("neutral 6.5");
    expect(warm.prediction.top[0]!.label).not.toBe("neutral 6.5");
  });
});
