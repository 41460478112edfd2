// What schema.prisma says the PostgreSQL database must contain, in the shape that
// introspect-schema.ts reads back from a live database. Used by the drift test only.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

export type ColumnShape = { table: string; column: string; type: string; nullable: boolean; hasDefault: boolean };
export type IndexShape = { table: string; name: string; unique: boolean; columns: string[] };
export type ForeignKeyShape = { table: string; name: string; columns: string[]; refTable: string; refColumns: string[]; onDelete: string };
export type SchemaShape = { tables: string[]; columns: ColumnShape[]; indexes: IndexShape[]; foreignKeys: ForeignKeyShape[] };

type DmmfField = {
  name: string; kind: string; type: string; isRequired: boolean; isList: boolean; isId: boolean; isUnique: boolean;
  hasDefaultValue: boolean; isUpdatedAt: boolean; dbName?: string | null; nativeType?: [string, string[]] | null;
  default?: { name?: string } | unknown; relationFromFields?: string[]; relationToFields?: string[]; relationOnDelete?: string;
};
type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[]; primaryKey: { name: string | null; fields: string[] } | null };
type DmmfIndex = { model: string; type: "id" | "unique" | "normal" | "fulltext"; dbName?: string | null; fields: { name: string }[] };

const SCALAR_TYPES: Record<string, string> = {
  String: "text", Int: "integer", BigInt: "bigint", Float: "double precision", Boolean: "boolean",
  DateTime: "timestamp(3) without time zone", Json: "jsonb", Decimal: "numeric(65,30)", Bytes: "bytea",
};
const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Timestamptz: (a) => `timestamp(${a[0] ?? 6}) with time zone`,
  Timestamp: (a) => `timestamp(${a[0] ?? 6}) without time zone`,
  VarChar: (a) => `character varying(${a[0]})`,
  Uuid: () => "uuid",
  Text: () => "text",
  Real: () => "real",
  DoublePrecision: () => "double precision",
  SmallInt: () => "smallint",
};

function loadDmmf(schemaPath: string): { models: DmmfModel[]; indexes: DmmfIndex[] } {
  const require = createRequire(import.meta.url);
  const wasm = require("@prisma/prisma-schema-wasm/src/prisma_schema_build.js") as { get_dmmf(params: string): string };
  const prismaSchema = readFileSync(schemaPath, "utf8");
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema }))).datamodel;
}

function columnType(field: DmmfField): string {
  if (field.nativeType) {
    const make = NATIVE_TYPES[field.nativeType[0]];
    if (!make) throw new Error(`expected-schema: add native type ${field.nativeType[0]}`);
    return make(field.nativeType[1]);
  }
  const base = SCALAR_TYPES[field.type];
  if (!base) throw new Error(`expected-schema: add scalar type ${field.type}`);
  return base;
}

/**
 * Columns of type Unsupported("…"): Prisma's DMMF leaves them out, so they are read from the
 * schema text (`name Unsupported("type")[?] [@default(…)]` inside a model block).
 */
function readUnsupportedColumns(prismaSchema: string, tableOf: Map<string, string>): ColumnShape[] {
  const columns: ColumnShape[] = [];
  let table: string | undefined;
  for (const line of prismaSchema.split("\n")) {
    const start = /^model\s+(\w+)\s*\{/.exec(line);
    if (start) table = tableOf.get(start[1]!) ?? start[1]!;
    else if (/^\}/.test(line)) table = undefined;
    const field = table && /^\s*(\w+)\s+Unsupported\("([^"]+)"\)(\?)?(.*)$/.exec(line);
    if (table && field) columns.push({ table, column: field[1]!, type: field[2]!, nullable: field[3] === "?", hasDefault: field[4]!.includes("@default(") });
  }
  return columns;
}

/** Prisma's own naming convention for constraints and indexes. */
function indexName(table: string, columns: string[], type: DmmfIndex["type"]): string {
  if (type === "id") return `${table}_pkey`;
  return `${table}_${columns.join("_")}_${type === "unique" ? "key" : "idx"}`;
}

export function readExpectedSchema(schemaPath = path.join(process.cwd(), "prisma/schema.prisma")): SchemaShape {
  const dmmf = loadDmmf(schemaPath);
  const tableOf = new Map(dmmf.models.map((m) => [m.name, m.dbName ?? m.name]));
  const shape: SchemaShape = { tables: [], columns: [], indexes: [], foreignKeys: [] };
  for (const model of dmmf.models) {
    const table = tableOf.get(model.name)!;
    shape.tables.push(table);
    const columnOf = new Map(model.fields.map((f) => [f.name, f.dbName ?? f.name]));
    for (const field of model.fields) {
      if (field.kind === "object") {
        if (field.relationFromFields?.length) {
          const columns = field.relationFromFields.map((f) => columnOf.get(f)!);
          const refModel = dmmf.models.find((m) => m.name === field.type)!;
          const refColumnOf = new Map(refModel.fields.map((f) => [f.name, f.dbName ?? f.name]));
          shape.foreignKeys.push({
            table, name: `${table}_${columns.join("_")}_fkey`, columns,
            refTable: tableOf.get(field.type)!, refColumns: (field.relationToFields ?? []).map((f) => refColumnOf.get(f)!),
            onDelete: (field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull")).toLowerCase(),
          });
        }
        continue;
      }
      const def = field.default as { name?: string } | undefined;
      // uuid()/cuid() defaults are filled in by Prisma Client, not by the database
      const clientSide = def && typeof def === "object" && (def.name === "uuid" || def.name === "cuid" || def.name === "nanoid");
      shape.columns.push({
        table, column: columnOf.get(field.name)!, type: columnType(field), nullable: !field.isRequired,
        hasDefault: field.hasDefaultValue && !clientSide,
      });
    }
  }
  shape.columns.push(...readUnsupportedColumns(readFileSync(schemaPath, "utf8"), tableOf));
  for (const index of dmmf.indexes) {
    const table = tableOf.get(index.model)!;
    const model = dmmf.models.find((m) => m.name === index.model)!;
    const columnOf = new Map(model.fields.map((f) => [f.name, f.dbName ?? f.name]));
    const columns = index.fields.map((f) => columnOf.get(f.name)!);
    shape.indexes.push({ table, name: index.dbName ?? indexName(table, columns, index.type), unique: index.type !== "normal", columns });
  }
  return shape;
}
