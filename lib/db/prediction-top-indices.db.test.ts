// parallax_top_indices turns a stored top list into its class indices, best first
// (prisma/migrations/20261126000000_prediction_top_indices); the Observation trigger stores them
// for every prediction of a capture as stored (lib/db/observation.db.test.ts checks that), and the
// instability report's top-k agreement reads them, so they must say exactly what `top` says, and no
// top list may make an insert fail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./test-database";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.close());

const topIndices = async (top: unknown) =>
  (await db.sql.query<{ indices: unknown }>(`SELECT parallax_top_indices($1::jsonb) AS indices`, [JSON.stringify(top)]))[0]!.indices;

describe("parallax_top_indices", () => {
  it("lists the class indices of a top list in order", async () => {
    expect(await topIndices([{ index: 7, label: "a", prob: 0.5 }, { index: 0, label: "b", prob: 0.3 }, { index: 912, label: "c", prob: 0.1 }])).toEqual([7, 0, 912]);
    expect(await topIndices([])).toEqual([]);
  });

  it("reads an entry without an integer index as NULL, in its place", async () => {
    expect(await topIndices([{ index: 3 }, { label: "no index" }, { index: "4" }, { index: 1.5 }, { index: 99999999999 }, 5, null, { index: -2 }])).toEqual([
      3,
      null,
      null,
      null,
      null,
      null,
      null,
      -2,
    ]);
  });

  it("reads anything but an array as an empty list", async () => {
    expect(await topIndices({ index: 3 })).toEqual([]);
    expect(await topIndices("top")).toEqual([]);
  });
});
