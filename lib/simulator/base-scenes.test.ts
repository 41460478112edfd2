import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { createProceduralScenes, createStimulusScenes, drawProceduralScene, loadFolderScenes, PROCEDURAL_SCENE_KINDS, toSceneKey } from "./base-scenes";
import { createRandom } from "./random";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("procedural scenes", () => {
  it("draws every kind deterministically, with many colours, differently per seed", () => {
    for (const kind of PROCEDURAL_SCENE_KINDS) {
      const a = drawProceduralScene(kind, createRandom("k"), 120, 90);
      const b = drawProceduralScene(kind, createRandom("k"), 120, 90);
      const c = drawProceduralScene(kind, createRandom("other"), 120, 90);
      expect(a.data.length).toBe(120 * 90 * 3);
      expect(sha256(b.data)).toBe(sha256(a.data));
      expect(sha256(c.data)).not.toBe(sha256(a.data));
      const colours = new Set<number>();
      for (let i = 0; i < a.data.length; i += 3) colours.add((a.data[i]! << 16) | (a.data[i + 1]! << 8) | a.data[i + 2]!);
      expect(colours.size, kind).toBeGreaterThan(1);
    }
  });

  it("lists scenes with stable keys and rotating kinds", async () => {
    const scenes = createProceduralScenes({ seed: 1, count: 8, width: 64, height: 48 });
    expect(scenes.map((scene) => scene.key)).toEqual(Array.from({ length: 8 }, (_, i) => `scene-000${i + 1}`));
    expect(scenes[0]!.source).toBe("procedural:patches");
    expect(scenes[6]!.source).toBe("procedural:patches");
    const again = createProceduralScenes({ seed: 1, count: 8, width: 64, height: 48 });
    expect(sha256((await again[3]!.load()).data)).toBe(sha256((await scenes[3]!.load()).data));
    const otherSeed = createProceduralScenes({ seed: 2, count: 8, width: 64, height: 48 });
    expect(sha256((await otherSeed[3]!.load()).data)).not.toBe(sha256((await scenes[3]!.load()).data));
  });
});

describe("folder and stimulus scenes", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "parallax-scenes-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the images of a folder in name order, capped in size, skipping other files", async () => {
    const red = await sharp({ create: { width: 400, height: 200, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } } }).png().toBuffer();
    const blue = await sharp({ create: { width: 30, height: 20, channels: 3, background: "#0000ff" } }).jpeg().toBuffer();
    writeFileSync(path.join(dir, "b photo.png"), red);
    writeFileSync(path.join(dir, "a.JPG"), blue);
    writeFileSync(path.join(dir, "notes.txt"), "not an image");
    const scenes = await loadFolderScenes({ dir, count: 10, maxSide: 100 });
    expect(scenes.map((scene) => [scene.key, scene.source])).toEqual([
      ["a", "file:a.JPG"],
      ["b-photo", "file:b photo.png"],
    ]);
    const image = await scenes[1]!.load();
    expect([image.width, image.height]).toEqual([100, 50]);
    expect([image.data[0], image.data[1], image.data[2]]).toEqual([255, 0, 0]);
    expect(await loadFolderScenes({ dir, count: 1 })).toHaveLength(1);
    await expect(loadFolderScenes({ dir: path.join(dir, "..", path.basename(dir) + "-missing"), count: 1 })).rejects.toThrow();
  });

  it("refuses a folder without images", async () => {
    const empty = mkdtempSync(path.join(tmpdir(), "parallax-empty-"));
    await expect(loadFolderScenes({ dir: empty, count: 3 })).rejects.toThrow(/no images/);
    rmSync(empty, { recursive: true });
  });

  it("uses stimulus images with their labels", async () => {
    const bytes = await sharp({ create: { width: 10, height: 10, channels: 3, background: "#00ff00" } }).png().toBuffer();
    const [scene] = createStimulusScenes([{ key: "patch-01", label: "green", bytes }]);
    expect(scene).toMatchObject({ key: "patch-01", label: "green", source: "stimulus:patch-01" });
    const image = await scene!.load();
    expect([image.data[0], image.data[1], image.data[2]]).toEqual([0, 255, 0]);
  });

  it("makes scene keys safe", () => {
    expect(toSceneKey("ILSVRC2012_val_00000001")).toBe("ILSVRC2012_val_00000001");
    expect(toSceneKey("../my photo (1)")).toBe("my-photo-1");
    expect(toSceneKey("...")).toBe("scene");
    expect(existsSync(dir)).toBe(true);
  });
});
