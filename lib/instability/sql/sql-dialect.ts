// The few spots where the instability SQL depends on the engine. Parallax speaks one dialect,
// PostgreSQL (PGlite or a server), and `POSTGRES_DIALECT` is what the product uses; the hooks
// exist so the benchmark can run the very same statements on DuckDB as its baseline.

export type SqlDialect = {
  name: string;
  /** Statements run first in the report's transaction (planner settings). */
  setup: string[];
  /** A temporary table that disappears with the transaction. */
  createTempTable(name: string, select: string): string;
  /** Statistics for a fresh temporary table (autovacuum never analyses them), or null. */
  analyze(name: string): string | null;
  /** `expr` compared in byte order (the order capture ids break vote ties in). */
  byteOrder(expr: string): string;
  /** A positional parameter cast to a text array. */
  textArrayParameter(position: number): string;
  /** A vote as text, "model label top1 top2 …" with "n" for a missing top entry (../count-scene-pairs.ts reads it). */
  voteText(model: string, label: string, top: string): string;
  /** Whether the database keeps "Observation" and "Vote" (Parallax's own schema), which unfiltered reports read. */
  keepsVotes: boolean;
  /** The statement that gives every later statement of a transaction one snapshot (first in it), or null when that is the default. */
  oneSnapshot: string | null;
};

export const POSTGRES_DIALECT: SqlDialect = {
  name: "postgresql",
  // Sorts and hashes over a million votes fit in memory at 256 MB; JIT compilation costs more
  // than it saves on these short queries. The temporary tables are ANALYZEd from a 3 000-row sample
  // (default 30 000): enough for the planner's group and join estimates, and ANALYZE of a million-row
  // table drops from ~0.3 s to ~0.03 s.
  setup: ["SET LOCAL work_mem = '256MB'", "SET LOCAL jit = off", "SET LOCAL default_statistics_target = 10"],
  createTempTable: (name, select) => `CREATE TEMP TABLE ${name} ON COMMIT DROP AS ${select}`,
  analyze: (name) => `ANALYZE ${name}`,
  byteOrder: (expr) => `${expr} COLLATE "C"`,
  textArrayParameter: (position) => `$${position}::text[]`,
  // The function the "Vote" table's text is written with (prisma/migrations/20261127000000_vote).
  voteText: (model, label, top) => `"parallax_vote_text"(${model}, ${label}, ${top})`,
  keepsVotes: true,
  oneSnapshot: "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
};
