// Counts come back as numbers from PGlite, as strings from node-postgres (int8) and as bigints
// from DuckDB; every SQL path reads them through this one function.
export function readCount(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint" || typeof value === "string") return Number(value);
  if (value === null || value === undefined) return 0;
  throw new TypeError(`not a count: ${String(value)}`);
}
