// Fails when prisma/schema.prisma and the database built by prisma/migrations disagree.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readExpectedSchema, type SchemaShape } from "./expected-schema";
import { introspectSchema } from "./introspect-schema";
import { createTestDatabase, type TestDatabase } from "./test-database";

const key = (...parts: (string | boolean | string[])[]) => parts.map((p) => (Array.isArray(p) ? p.join(",") : String(p))).join(" | ");
const sorted = (values: string[]) => [...values].sort();

describe("schema.prisma vs migrated database", () => {
  let db: TestDatabase;
  let expected: SchemaShape;
  let actual: SchemaShape;
  beforeAll(async () => {
    db = await createTestDatabase();
    expected = readExpectedSchema();
    actual = await introspectSchema(db.sql);
  });
  afterAll(() => db.close());

  it("has the same tables", () => {
    expect(sorted(actual.tables)).toEqual(sorted(expected.tables));
  });
  it("has the same columns, types, nullability and defaults", () => {
    const show = (s: SchemaShape) => sorted(s.columns.map((c) => key(c.table, c.column, c.type, c.nullable ? "NULL" : "NOT NULL", c.hasDefault ? "default" : "")));
    expect(show(actual)).toEqual(show(expected));
  });
  it("has the same indexes and unique constraints", () => {
    const show = (s: SchemaShape) => sorted(s.indexes.map((i) => key(i.table, i.name, i.unique ? "unique" : "", i.columns)));
    expect(show(actual)).toEqual(show(expected));
  });
  it("has the same foreign keys", () => {
    const show = (s: SchemaShape) => sorted(s.foreignKeys.map((f) => key(f.table, f.name, f.columns, f.refTable, f.refColumns, f.onDelete)));
    expect(show(actual)).toEqual(show(expected));
  });
});
