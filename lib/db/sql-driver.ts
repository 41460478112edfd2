// The smallest interface over a PostgreSQL connection that the migration runner and raw
// maintenance code need, implemented for PGlite and for node-postgres.
import type { PGlite } from "@electric-sql/pglite";
import type { Pool, PoolClient } from "pg";

export interface SqlExecutor {
  /** Run one or more statements without parameters (simple query protocol). */
  exec(sql: string): Promise<void>;
  /** Run one statement with $1… parameters and return its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface SqlDriver extends SqlExecutor {
  /** Run fn on one connection inside BEGIN/COMMIT (ROLLBACK when it throws). */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export function pgliteDriver(db: PGlite): SqlDriver {
  const executor = (target: Pick<PGlite, "exec" | "query">): SqlExecutor => ({
    async exec(sql) {
      await target.exec(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await target.query<T>(sql, params)).rows;
    },
  });
  return { ...executor(db), transaction: (fn) => db.transaction((tx) => fn(executor(tx))) };
}

export function pgPoolDriver(pool: Pool): SqlDriver {
  const executor = (client: PoolClient): SqlExecutor => ({
    async exec(sql) {
      await client.query(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
  });
  const withClient = async <T>(fn: (client: PoolClient) => Promise<T>) => {
    const client = await pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };
  return {
    exec: (sql) => withClient((client) => executor(client).exec(sql)),
    query: <T>(sql: string, params: unknown[] = []) => withClient((client) => executor(client).query<T>(sql, params)),
    transaction: (fn) =>
      withClient(async (client) => {
        await client.query("BEGIN");
        try {
          const result = await fn(executor(client));
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
      }),
  };
}
