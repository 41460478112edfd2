// Instability report on a million predictions made by the fleet simulator: 20 000 procedural
// scenes photographed by 50 virtual device models (66 phones, each with its camera character:
// white balance, exposure, tone curve, saturation, noise, framing), by the simulator's capture plan
// (each phone skips about a third of the scenes, one shot in ten is a burst of three, per-phone
// clocks), every capture run through the real built-in colour-checker model in onnxruntime-node
// with the shared preprocessing; 80% of the scenes carry ground truth (the model's answer on a
// neutral camera's view). The simulator's bulk mode (lib/simulator/simulate-fleet-rows.ts) renders
// each capture only as large as the model's preprocessing needs and produces rows instead of
// uploads; it runs once, before the timed part. The rows are loaded into PostgreSQL (a fresh
// schema, dropped afterwards), PGlite (file-backed, deleted afterwards) and DuckDB (the baseline,
// in memory); the full report (GET /instability's numbers, k = 5) is timed on each, the reports
// must be identical, and the ratios to DuckDB are recorded in bench/RESULTS.md. On PostgreSQL and
// PGlite the unfiltered report reads the votes the database keeps ("Vote", built by the load's
// rebuild as uploads would have built it); DuckDB, loaded without Parallax's triggers, computes
// them in every report. The report with votes computed per request (the path of filtered reports)
// is timed on PostgreSQL and PGlite as well.
// Options: --scenes N --models N --runs N --workers N (threads generating the rows), --dry
// (print, do not append to RESULTS.md) for quick runs, e.g.
//   npm run bench instability -- --scenes 500 --models 10 --runs 1 --dry
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import pg from "pg";
import { applyMigrations } from "@/lib/db/migrate";
import { openDatabase, PGLITE_START_PARAMS } from "@/lib/db/open-database";
import { pgliteDriver } from "@/lib/db/sql-driver";
import { ThreadedPGlite } from "@/lib/db/threaded-pglite";
import type { InstabilityReport } from "@/lib/instability/compute-instability-report";
import { getInstabilityReport } from "@/lib/instability/sql/get-instability-report";
import type { CaptureScope } from "@/lib/instability/sql/instability-filters";
import { POSTGRES_DIALECT, type SqlDialect } from "@/lib/instability/sql/sql-dialect";
import { insertSyntheticStudy, type ChunkWriter } from "@/lib/instability/testing/insert-synthetic-study";
import type { SqlDriver } from "@/lib/db/sql-driver";
import { simulateFleetRows } from "@/lib/simulator/simulate-fleet-rows";
import { copyChunkIntoPGlite } from "./lib/copy-into-pglite";
import { DUCKDB_DIALECT, duckdbDriver, loadDuckDb } from "./lib/duckdb-baseline";
import { recordBenchResults, type BenchRow } from "./lib/record-results";

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const scenes = argument("scenes", 20_000);
const deviceModels = argument("models", 50);
const runs = argument("runs", 3);
const workers = argument("workers", os.availableParallelism());
const POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test";
const workDir = path.join(import.meta.dirname, ".work", "instability");
rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });

const seconds = (ms: number) => ms / 1000;
console.log(`Simulating ${scenes} scenes × ${deviceModels} device models (bulk mode, ${workers} worker thread(s))…`);
const generationStarted = performance.now();
let nextReport = 2000;
const study = await simulateFleetRows({
  seed: 2026,
  scenes,
  deviceModels,
  groundTruthShare: 0.8,
  workers,
  onProgress: (done, captures) => {
    if (done < nextReport) return;
    nextReport += 2000;
    console.log(`  ${done} scenes, ${captures} captures (${seconds(performance.now() - generationStarted).toFixed(0)} s)`);
  },
});
const generationSeconds = seconds(performance.now() - generationStarted);
const predictions = study.captureCount;
console.log(`  ${predictions} predictions from ${study.devices.length} phones in ${generationSeconds.toFixed(1)} s`);
const scope: CaptureScope = { studyId: study.study.id, source: "device", filters: {} };
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

type EngineResult = { name: string; loadSeconds: number | null; times: number[]; report: InstabilityReport };
/** The report as filtered scopes compute it: votes from the observations, not from "Vote". */
const COMPUTED_VOTES: SqlDialect = { ...POSTGRES_DIALECT, keepsVotes: false };

async function timeReports(name: string, driver: SqlDriver, dialect: SqlDialect, loadSeconds: number | null): Promise<EngineResult> {
  const times: number[] = [];
  let report: InstabilityReport | undefined;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    report = await getInstabilityReport(driver, scope, { k: 5 }, dialect);
    times.push(seconds(performance.now() - started));
    console.log(`  ${name} report run ${run + 1}: ${times.at(-1)!.toFixed(2)} s (load average ${os.loadavg()[0]!.toFixed(1)})`);
  }
  return { name, loadSeconds, times, report: report! };
}

async function loadParallax(sql: SqlDriver, name: string, writeChunk?: ChunkWriter): Promise<number> {
  await applyMigrations(sql);
  const started = performance.now();
  await insertSyntheticStudy(
    sql,
    study,
    (rows) => {
      if (rows % 200_000 === 0) console.log(`  ${name}: ${rows} captures loaded`);
    },
    { skipForeignKeyChecks: true, writeChunk },
  );
  await sql.exec("ANALYZE");
  return seconds(performance.now() - started);
}

const results: EngineResult[] = [];
const notes: string[] = [];

// DuckDB baseline.
{
  const started = performance.now();
  const duck = await loadDuckDb(study, workDir);
  const loadSeconds = seconds(performance.now() - started);
  console.log(`  duckdb: loaded in ${loadSeconds.toFixed(1)} s`);
  results.push(await timeReports("DuckDB", duckdbDriver(duck.connection), DUCKDB_DIALECT, loadSeconds));
  duck.close();
}

// PostgreSQL server, fresh schema.
{
  const schema = `bench_instability_${randomBytes(4).toString("hex")}`;
  let admin: pg.Client | undefined;
  try {
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const database = await openDatabase({ kind: "postgresql", url: POSTGRES_URL, schema, maxConnections: 2 });
    try {
      const loadSeconds = await loadParallax(database.sql, "postgresql");
      console.log(`  postgresql: loaded in ${loadSeconds.toFixed(1)} s`);
      results.push(await timeReports("PostgreSQL", database.sql, POSTGRES_DIALECT, loadSeconds));
      results.push(await timeReports("PostgreSQL, votes computed per report", database.sql, COMPUTED_VOTES, null));
    } finally {
      await database.close();
    }
  } catch (error) {
    notes.push(`PostgreSQL skipped: ${(error as Error).message}`);
    console.log(`  postgresql skipped: ${(error as Error).message}`);
  } finally {
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
      await admin.end();
    }
  }
}

// PGlite, file-backed, with the settings of the product's embedded database and in a worker thread
// as the server runs it (opened directly for its COPY API).
{
  const client = await ThreadedPGlite.create(path.join(workDir, "pglite"), { startParams: PGLITE_START_PARAMS });
  try {
    const sql = pgliteDriver(client);
    const loadSeconds = await loadParallax(sql, "pglite", copyChunkIntoPGlite(client));
    console.log(`  pglite: loaded in ${loadSeconds.toFixed(1)} s`);
    results.push(await timeReports("PGlite", sql, POSTGRES_DIALECT, loadSeconds));
    results.push(await timeReports("PGlite, votes computed per report", sql, COMPUTED_VOTES, null));
  } finally {
    await client.close();
  }
}
rmSync(workDir, { recursive: true, force: true });

const baseline = results[0]!;
const identical = results.every((result) => isDeepStrictEqual(result.report, baseline.report));
const rows: BenchRow[] = [
  { metric: "predictions (simulated)", value: predictions },
  { metric: "generating them (simulator bulk mode, not timed below)", value: generationSeconds, unit: "s" },
  { metric: "eligible scenes / unstable scenes", value: `${baseline.report.eligibleScenes} / ${baseline.report.unstableScenes}` },
  { metric: "pairs of device models", value: baseline.report.pairwise.length },
  { metric: "reports identical on all engines", value: identical ? "yes" : "NO" },
];
for (const result of results) {
  const rebuilt = "then Observation and Vote built by parallax_rebuild_observations";
  const loader = { DuckDB: "COPY from CSV", PostgreSQL: `INSERT … SELECT FROM unnest, ${rebuilt}`, PGlite: `COPY from a blob, ${rebuilt}` }[result.name];
  if (result.loadSeconds !== null) rows.push({ metric: `${result.name}: load (${loader})`, value: result.loadSeconds, unit: "s" });
  rows.push({ metric: `${result.name}: full report, median of ${runs}`, value: median(result.times), unit: "s" });
  if (result !== baseline) rows.push({ metric: `${result.name} / DuckDB`, value: median(result.times) / median(baseline.times), unit: "×" });
}
const postgres = results.find((r) => r.name === "PostgreSQL");
const pglite = results.find((r) => r.name === "PGlite");
const verdicts = [
  postgres ? `PostgreSQL ${median(postgres.times).toFixed(2)} s (target ≤ 2 s: ${median(postgres.times) <= 2 ? "met" : "NOT met"}; ${(median(postgres.times) / median(baseline.times)).toFixed(1)}× DuckDB, target ≤ 3×: ${median(postgres.times) <= 3 * median(baseline.times) ? "met" : "NOT met"})` : "PostgreSQL not measured",
  pglite ? `PGlite ${median(pglite.times).toFixed(2)} s (target ≤ 6 s: ${median(pglite.times) <= 6 ? "met" : "NOT met"})` : "PGlite not measured",
  identical ? "identical numbers on all engines" : "ENGINES DISAGREE",
];
if (process.argv.includes("--dry")) {
  for (const row of rows) console.log(`  ${row.metric}: ${row.value}${row.unit ? ` ${row.unit}` : ""}`);
  console.log(`  => ${verdicts.join("; ")}`);
} else recordBenchResults({
  name: "instability",
  description: `Full instability report (label/correctness/within-device instability, bootstrap CIs, all ${baseline.report.pairwise.length} pairs with correctness and top-5 agreement, per-device-model accuracy) over ${predictions} predictions made by the fleet simulator (bulk mode): ${scenes} procedural scenes × ${deviceModels} virtual device models (${study.devices.length} phones, each with its camera character), the simulator's capture plan (skips, bursts of three, per-phone clocks), the built-in colour-checker model run on every capture in onnxruntime-node; 80% ground truth. PostgreSQL and PGlite read the votes the database keeps ("Vote"), and are also timed computing the votes in the report (the path of filtered reports). Baseline: DuckDB in memory, computing the votes in every report with the same SQL as that path.`,
  rows,
  verdict: verdicts.join("; "),
  notes: [`Load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(", ")} on ${os.cpus().length} cores (the machine is shared).`, ...notes].join("\n"),
});
if (!identical) process.exitCode = 1;
