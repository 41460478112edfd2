// The smallest interface over a PostgreSQL connection that the migration runner and raw
// maintenance code need, implemented for PGlite and for node-postgres.
import type { PGlite } from "@electric-sql/pglite";
import type { Pool, PoolClient } from "pg";
import { ThreadedPGlite } from "./threaded-pglite";

export type QueryOptions = {
  /**
   * Run as a named prepared statement: parsed and planned once per connection, then only bound
   * and executed. For the hot path's statements (the capture insert), where planning costs more
   * than running. A name always stands for the same text. (On PostgreSQL and on the embedded
   * database in its worker thread; an in-process PGlite runs the statement unprepared.)
   */
  name?: string;
};

export interface SqlExecutor {
  /** Run one or more statements without parameters (simple query protocol). */
  exec(sql: string): Promise<void>;
  /** Run one statement with $1… parameters and return its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
}

export interface SqlDriver extends SqlExecutor {
  /** Run fn on one connection inside BEGIN/COMMIT (ROLLBACK when it throws). */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export function pgliteDriver(db: PGlite): SqlDriver {
  // Named statements are prepared by the worker-thread database (the server's and the tools'; see
  // ThreadedPGlite.queryPrepared). An in-process PGlite (in-memory test databases) runs them as
  // plain statements, and so does a transaction (its statements hold its locks).
  const preparing = db instanceof ThreadedPGlite ? db : undefined;
  const executor = (target: Pick<PGlite, "exec" | "query">, inTransaction: boolean): SqlExecutor => ({
    async exec(sql) {
      await target.exec(sql);
    },
    async query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}) {
      if (options.name && preparing && !inTransaction) return (await preparing.queryPrepared<T>(options.name, sql, params)).rows;
      return (await target.query<T>(sql, params)).rows;
    },
  });
  return { ...executor(db, false), transaction: (fn) => db.transaction((tx) => fn(executor(tx, true))) };
}

export function pgPoolDriver(pool: Pool): SqlDriver {
  const executor = (client: PoolClient): SqlExecutor => ({
    async exec(sql) {
      await client.query(sql);
    },
    async query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}) {
      // node-postgres prepares a named statement once per connection and reuses it.
      const result = options.name ? await client.query({ name: options.name, text: sql, values: params }) : await client.query(sql, params);
      return result.rows as T[];
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
    query: <T>(sql: string, params: unknown[] = [], options?: QueryOptions) => withClient((client) => executor(client).query<T>(sql, params, options)),
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
