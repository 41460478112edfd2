// Stimulus ZIP import: images become scenes with stored stimuli and labels; a bad file, a labels.csv
// naming a missing file, or a damaged archive are refused with a clear message and leave no scene
// and no blob behind.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { crc32, deflateRawSync } from "node:zlib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { LocalBlobStore } from "@/lib/storage/local-blob-store";
import { createStudy } from "./create-study";
import { importStimuli, parseCsvRows, sceneKeyOfPath } from "./import-stimuli";
import { insertTestModel } from "./test-fixtures";

/** A minimal ZIP writer (deflate or store), enough to make test archives. */
function makeZip(files: Array<{ name: string; data: Buffer | string; store?: boolean }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const data = Buffer.isBuffer(file.data) ? file.data : Buffer.from(file.data);
    const compressed = file.store ? data : deflateRawSync(data);
    const name = Buffer.from(file.name, "utf8");
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(file.store ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(file.store ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

async function image(colour: [number, number, number], format: "png" | "jpeg" = "png") {
  const base = sharp({ create: { width: 40, height: 30, channels: 3, background: { r: colour[0], g: colour[1], b: colour[2] } } });
  return format === "png" ? base.png().toBuffer() : base.jpeg().toBuffer();
}

let db: TestDatabase;
let blobDir: string;
let blobs: LocalBlobStore;

async function countBlobs() {
  let n = 0;
  for await (const _ of blobs.list()) n++;
  return n;
}

beforeAll(async () => {
  db = await createTestDatabase();
  blobDir = mkdtempSync(path.join(os.tmpdir(), "parallax-stimuli-"));
  blobs = new LocalBlobStore(blobDir);
  await insertTestModel(db.prisma, { labels: ["red", "green", "blue"] });
}, 60_000);
afterAll(async () => {
  await db?.close();
  rmSync(blobDir, { recursive: true, force: true });
});

describe("sceneKeyOfPath and parseCsvRows", () => {
  it.each([
    ["cat.jpg", "cat"],
    ["set/img 01.PNG", "set_img-01"],
    ["__x.webp", "x"],
  ])("%s → %s", (input, expected) => expect(sceneKeyOfPath(input)).toBe(expected));

  it("reads quoted fields, semicolons and a BOM", () => {
    expect(parseCsvRows('\uFEFFfile,label\r\n"a,b.png","x ""y"""\n')).toEqual([
      ["file", "label"],
      ["a,b.png", 'x "y"'],
    ]);
    expect(parseCsvRows("a.png;red\n")).toEqual([["a.png", "red"]]);
  });
});

describe("importStimuli", () => {
  it("makes one scene per image with its stimulus and the labels of labels.csv", async () => {
    const study = await createStudy(db.prisma, { name: "stimuli ok" });
    const zip = makeZip([
      { name: "set/red-1.png", data: await image([250, 0, 0]) },
      { name: "set/green-1.jpg", data: await image([0, 250, 0], "jpeg"), store: true },
      { name: "set/blue-1.png", data: await image([0, 0, 250]) },
      { name: "set/labels.csv", data: "file,label\nred-1.png,red\ngreen-1.jpg,green\n" },
      { name: "__MACOSX/set/._red-1.png", data: "junk" },
    ]);
    const result = await importStimuli(db.prisma, blobs, study.id, zip);
    expect(result).toMatchObject({ created: 3, updated: 0 });
    const scenes = await db.prisma.scene.findMany({ where: { studyId: study.id }, orderBy: { position: "asc" } });
    expect(scenes.map((scene) => [scene.key, scene.label, scene.labelIndex, scene.stimulusMime])).toEqual([
      ["red-1", "red", 0, "image/png"],
      ["green-1", "green", 1, "image/jpeg"],
      ["blue-1", null, null, "image/png"],
    ]);
    for (const scene of scenes) expect(await blobs.stat(scene.stimulusBlobKey!)).not.toBeNull();

    // Importing again replaces stimuli of existing keys (no duplicates).
    const again = await importStimuli(db.prisma, blobs, study.id, makeZip([{ name: "red-1.png", data: await image([200, 10, 10]) }]));
    expect(again).toMatchObject({ created: 0, updated: 1 });
    expect(await db.prisma.scene.count({ where: { studyId: study.id } })).toBe(3);
  });

  const badCases: Array<{ name: string; files: () => Promise<Array<{ name: string; data: Buffer | string }>>; message: RegExp }> = [
    {
      name: "a file that is not an image",
      files: async () => [{ name: "a.png", data: await image([1, 2, 3]) }, { name: "notes.txt", data: "hello" }],
      message: /notes\.txt is not an image/,
    },
    {
      name: "an image file that does not decode",
      files: async () => [{ name: "a.png", data: await image([1, 2, 3]) }, { name: "b.jpg", data: (await image([9, 9, 9], "jpeg")).subarray(0, 120) }],
      message: /b\.jpg (is not a readable|could not be decoded)/,
    },
    {
      name: "a labels.csv naming a missing file",
      files: async () => [
        { name: "a.png", data: await image([1, 2, 3]) },
        { name: "b.png", data: await image([4, 5, 6]) },
        { name: "labels.csv", data: "file,label\na.png,red\nmissing.png,blue\n" },
      ],
      message: /labels\.csv line 3 names missing\.png, which is not an image in the ZIP/,
    },
    {
      name: "two files with the same scene key",
      files: async () => [{ name: "a.png", data: await image([1, 2, 3]) }, { name: "a.jpg", data: await image([1, 2, 3], "jpeg") }],
      message: /would both become scene a/,
    },
  ];

  it.each(badCases)("refuses $name with a clear message and imports nothing", async ({ files, message }) => {
    const study = await createStudy(db.prisma, { name: "stimuli bad" });
    const blobsBefore = await countBlobs();
    const zip = makeZip(await files());
    await expect(importStimuli(db.prisma, blobs, study.id, zip)).rejects.toMatchObject({ code: "validation_failed", message: expect.stringMatching(message) });
    expect(await db.prisma.scene.count({ where: { studyId: study.id } })).toBe(0);
    expect(await countBlobs()).toBe(blobsBefore);
  });

  it("refuses a file that is not a ZIP and a damaged archive", async () => {
    const study = await createStudy(db.prisma, { name: "stimuli not zip" });
    await expect(importStimuli(db.prisma, blobs, study.id, Buffer.from("not a zip at all, just text"))).rejects.toMatchObject({ code: "validation_failed", message: expect.stringMatching(/not a ZIP/) });
    const zip = makeZip([{ name: "a.png", data: await image([1, 2, 3]) }]);
    zip[40] = zip[40]! ^ 0xff; // inside a.png's compressed data
    await expect(importStimuli(db.prisma, blobs, study.id, zip)).rejects.toMatchObject({ code: "validation_failed" });
    expect(await db.prisma.scene.count({ where: { studyId: study.id } })).toBe(0);
  });

  it("removes the blobs it stored when the database write fails", async () => {
    const blobsBefore = await countBlobs();
    const zip = makeZip([{ name: "fresh.png", data: await image([77, 66, 55]) }]);
    const missingStudy = "0190f000-0000-7000-8000-000000000000";
    await expect(importStimuli(db.prisma, blobs, missingStudy, zip)).rejects.toMatchObject({ code: "not_found" });
    // A study deleted between the check and the transaction: the scene insert fails on the foreign key.
    const study = await createStudy(db.prisma, { name: "vanishing" });
    const prismaThatLoses = new Proxy(db.prisma, {
      get(target, property, receiver) {
        if (property === "$transaction") {
          return async () => {
            throw new Error("simulated database failure");
          };
        }
        return Reflect.get(target, property, receiver);
      },
    });
    await expect(importStimuli(prismaThatLoses, blobs, study.id, zip)).rejects.toThrow(/simulated/);
    expect(await countBlobs()).toBe(blobsBefore);
    expect(await db.prisma.scene.count({ where: { studyId: study.id } })).toBe(0);
  });
});
