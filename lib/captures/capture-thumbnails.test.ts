// Thumbnails of stored photos: a 12 MP photo becomes a small JPEG with its orientation applied,
// made once and then served from the disk cache; small photos are never enlarged.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { createThumbnailCache } from "./capture-thumbnails";

const dir = mkdtempSync(path.join(tmpdir(), "parallax-thumbs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHA = "ab".repeat(32);

describe("thumbnail cache", () => {
  it("renders a 12 MP photo once at the asked size, with EXIF orientation applied, then reads it from disk", async () => {
    // 4000×3000 stored sideways (orientation 6 = rotate 90° clockwise to view): shown as 3000×4000.
    const original = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: { r: 200, g: 40, b: 40 } } })
      .jpeg({ quality: 90 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const cache = createThumbnailCache(dir);
    let reads = 0;
    const readOriginal = async () => {
      reads += 1;
      return original;
    };
    const [first, concurrent] = await Promise.all([cache.get(SHA, 320, readOriginal), cache.get(SHA, 320, readOriginal)]);
    expect(reads).toBe(1);
    expect(first.cached).toBe(false);
    expect(concurrent.bytes.equals(first.bytes)).toBe(true);
    const meta = await sharp(first.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 240, 320]);
    expect(first.bytes.length).toBeLessThan(original.length / 10);

    const again = await createThumbnailCache(dir).get(SHA, 320, readOriginal);
    expect([again.cached, reads]).toEqual([true, 1]);
    expect(again.bytes.equals(first.bytes)).toBe(true);
    expect(readdirSync(path.join(dir, "ab"))).toEqual([`${SHA}-320.jpg`]);
  });

  it("never enlarges a small photo and refuses keys that are not SHA-256", async () => {
    const small = await sharp({ create: { width: 100, height: 80, channels: 3, background: "#336699" } }).png().toBuffer();
    const thumb = await createThumbnailCache(dir).get("cd".repeat(32), 640, async () => small);
    const meta = await sharp(thumb.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 100, 80]);
    await expect(createThumbnailCache(dir).get("../etc/passwd", 160, async () => small)).rejects.toThrow(/not a SHA-256/);
  });
});
