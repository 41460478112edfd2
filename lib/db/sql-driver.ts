// The smallest interface over a PostgreSQL connection that the migration runner and raw
// maintenance code need, implemented for PGlite and for node-postgres.
import { parse, protocol, type messages, type PGlite } from "@electric-sql/pglite";
import type { Pool, PoolClient } from "pg";
import { ThreadedPGlite } from "./threaded-pglite";

export type QueryOptions = {
  /**
   * Run as a named prepared statement: parsed and planned once per connection, then only bound
   * and executed. For the hot path's statements (the capture insert), where planning costs more
   * than running. A name always stands for the same text.
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

/** Per PGlite instance (one database session): the statements prepared on it, with their parameter types. */
const preparedOnPglite = new WeakMap<PGlite, Map<string, number[]>>();

/**
 * A named statement on PGlite through its wire protocol (its query() always parses and plans
 * anew, in six round trips into WebAssembly): Parse and Describe once, then Bind, Describe,
 * Execute and Sync in one call. Holds the same two locks as PGlite's query(), so it never runs
 * inside someone else's transaction. The worker-thread database does the same in its worker
 * (ThreadedPGlite.queryPrepared).
 */
async function queryPgliteNamed<T>(db: PGlite, name: string, sql: string, params: unknown[]): Promise<T[]> {
  if (db instanceof ThreadedPGlite) return (await db.queryPrepared<T>(name, sql, params)).rows;
  return db._runExclusiveTransaction(() =>
    db._runExclusiveQuery(async () => {
      let statements = preparedOnPglite.get(db);
      if (!statements) preparedOnPglite.set(db, (statements = new Map()));
      const { serialize } = protocol;
      let paramTypes = statements.get(name);
      if (!paramTypes) {
        const prepared = await db.execProtocol(Buffer.concat([serialize.parse({ name, text: sql }), serialize.describe({ type: "S", name }), serialize.sync()]), { syncToFs: false });
        const description = prepared.messages.find((m): m is messages.ParameterDescriptionMessage => m.name === "parameterDescription");
        paramTypes = description?.dataTypeIDs ?? [];
        statements.set(name, paramTypes);
      }
      const values = params.map((value, i) => {
        if (value === null || value === undefined) return null;
        const toText = db.serializers[paramTypes[i]!];
        return toText ? toText(value) : String(value);
      });
      const result = await db.execProtocol(Buffer.concat([serialize.bind({ statement: name, values }), serialize.describe({ type: "P" }), serialize.execute({}), serialize.sync()]));
      // Rows decoded by PGlite's own result parser, with its type parsers, as its query() does.
      const rows = parse.parseResults(result.messages, db.parsers)[0]?.rows ?? [];
      return rows as T[];
    }),
  );
}

export function pgliteDriver(db: PGlite): SqlDriver {
  const executor = (target: Pick<PGlite, "exec" | "query">, canPrepare: boolean): SqlExecutor => ({
    async exec(sql) {
      await target.exec(sql);
    },
    async query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}) {
      // Inside a transaction the locks are the transaction's: a plain query there.
      if (options.name && canPrepare) return queryPgliteNamed<T>(db, options.name, sql, params);
      return (await target.query<T>(sql, params)).rows;
    },
  });
  return { ...executor(db, true), transaction: (fn) => db.transaction((tx) => fn(executor(tx, false))) };
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
