// Reads tables, columns, indexes and foreign keys of the current schema (search_path) of a live
// PostgreSQL database, in the shape expected-schema.ts derives from schema.prisma.
import type { SchemaShape } from "./expected-schema";
import type { SqlExecutor } from "./sql-driver";

const ON_DELETE: Record<string, string> = { a: "noaction", r: "restrict", c: "cascade", n: "setnull", d: "setdefault" };

export async function introspectSchema(sql: SqlExecutor): Promise<SchemaShape> {
  const tables = await sql.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
     ORDER BY table_name`,
  );
  const columns = await sql.query<{ table: string; column: string; type: string; nullable: boolean; hasDefault: boolean }>(
    `SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS "type",
            NOT a.attnotnull AS "nullable", a.atthasdef AS "hasDefault"
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
       AND c.relname <> '_prisma_migrations'`,
  );
  const indexes = await sql.query<{ table: string; name: string; unique: boolean; columns: string[] }>(
    `SELECT t.relname AS "table", i.relname AS "name", ix.indisunique AS "unique",
            array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS "columns"
     FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
     WHERE t.relnamespace = current_schema()::regnamespace AND t.relname <> '_prisma_migrations'`,
  );
  const foreignKeys = await sql.query<{ table: string; name: string; columns: string[]; refTable: string; refColumns: string[]; onDelete: string }>(
    `SELECT t.relname AS "table", con.conname AS "name", r.relname AS "refTable", con.confdeltype AS "onDelete",
            array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS "columns",
            array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS "refColumns"
     FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid
     WHERE con.contype = 'f' AND t.relnamespace = current_schema()::regnamespace`,
  );
  return {
    tables: tables.map((t) => t.table_name),
    columns,
    indexes,
    foreignKeys: foreignKeys.map((fk) => ({ ...fk, onDelete: ON_DELETE[fk.onDelete] ?? fk.onDelete })),
  };
}
