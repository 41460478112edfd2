import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { insertTestModel } from "@/lib/studies/test-fixtures";
import { collectOrphanBlobs } from "./collect-orphan-blobs";
import { LocalBlobStore } from "./local-blob-store";

let db: TestDatabase;
let root: string;

beforeAll(async () => {
  db = await createTestDatabase();
  root = mkdtempSync(path.join(tmpdir(), "orphans-"));
});
afterAll(async () => {
  await db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("collectOrphanBlobs", () => {
  it("deletes old blobs that no row references and keeps referenced and young ones", async () => {
    const store = new LocalBlobStore(root);
    const referenced = await store.put(Buffer.from("model bytes"));
    const orphan = await store.put(Buffer.from("upload whose row never came"));
    const young = await store.put(Buffer.from("upload in flight"));
    const model = await insertTestModel(db.prisma);
    await db.prisma.model.update({ where: { id: model.id }, data: { blobKey: referenced.key } });
    const old = new Date(Date.now() - 2 * 3_600_000);
    for (const key of [referenced.key, orphan.key]) utimesSync(store.pathOf(key), old, old);

    const result = await collectOrphanBlobs(db.sql, store, { graceMs: 3_600_000 });
    expect(result).toMatchObject({ scanned: 3, deleted: 1, keptYoung: 1 });
    expect(await store.stat(orphan.key)).toBeNull();
    expect(await store.stat(referenced.key)).not.toBeNull();
    expect(await store.stat(young.key)).not.toBeNull();

    const all = await collectOrphanBlobs(db.sql, store, { graceMs: 0 });
    expect(all.deleted).toBe(1);
    expect(await store.stat(referenced.key)).not.toBeNull();
  });
});
