// `npm run bench [name…]`: runs bench/<name>.bench.ts (all of them without arguments), one process
// each. Every benchmark prints its figures with a ratio against a baseline measured in the same
// run and appends a section to bench/RESULTS.md (see bench/lib/record-results.ts).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const dir = path.join(import.meta.dirname);
// Names first, then options for the benchmarks: `npm run bench instability -- --scenes 500 --dry`.
const firstOption = process.argv.slice(2).findIndex((arg) => arg.startsWith("--"));
const wanted = firstOption < 0 ? process.argv.slice(2) : process.argv.slice(2, 2 + firstOption);
const options = firstOption < 0 ? [] : process.argv.slice(2 + firstOption);
const benches = readdirSync(dir)
  .filter((file) => file.endsWith(".bench.ts"))
  .map((file) => file.replace(/\.bench\.ts$/, ""))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (benches.length === 0) {
  console.log(wanted.length ? `No benchmark named ${wanted.join(", ")} in bench/.` : "No benchmarks in bench/ yet.");
  process.exit(wanted.length ? 1 : 0);
}
let failed = 0;
for (const name of benches) {
  console.log(`\n### ${name}`);
  const result = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", path.join(dir, `${name}.bench.ts`), ...options], {
    stdio: "inherit",
  });
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
