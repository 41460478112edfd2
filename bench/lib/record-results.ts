// Appends one benchmark run to bench/RESULTS.md: when, on what machine, the figures, and the ratio
// against the baseline measured in the same run. Figures are reported as they are, target met or not.
// With BENCH_DRY=1 in the environment the figures are printed and nothing is appended.
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type BenchRow = { metric: string; value: number | string; unit?: string };

export function recordBenchResults(options: { name: string; description: string; rows: BenchRow[]; verdict: string; notes?: string }) {
  const file = path.join(import.meta.dirname, "..", "RESULTS.md");
  if (!existsSync(file)) writeFileSync(file, "# Benchmark results\n\nAppended by `npm run bench`; newest last.\n");
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const lines = [
    "",
    `## ${options.name} — ${new Date().toISOString()}`,
    "",
    `${options.description}`,
    "",
    `Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}.`,
    "",
    "| metric | value |",
    "| --- | --- |",
    ...options.rows.map((row) => `| ${row.metric} | ${typeof row.value === "number" ? formatNumber(row.value) : row.value}${row.unit ? ` ${row.unit}` : ""} |`),
    "",
    `**Result:** ${options.verdict}`,
    ...(options.notes ? ["", options.notes] : []),
    "",
  ];
  // BENCH_DRY=1: print only (quick or partial runs that must not enter the record).
  if (process.env.BENCH_DRY !== "1") appendFileSync(file, lines.join("\n"));
  for (const row of options.rows) console.log(`  ${row.metric}: ${row.value}${row.unit ? ` ${row.unit}` : ""}`);
  console.log(`  => ${options.verdict}`);
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(3);
}
