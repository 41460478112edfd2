// `npm run model:fetch -- NAME [--mirror URL] [--server URL --token T]`: downloads a well-known
// model (lib/models/known-models.ts) from its pinned URL, checks the pinned SHA-256, shows a
// progress bar, then registers it like model:add. Offline, it says so in one sentence and changes nothing.
import { parseArgs } from "node:util";
import { DatabaseBusyError } from "@/lib/db/open-database";
import { ConfigError } from "@/lib/env/server-env";
import { addModelFromCli, CliModelError, type CliTarget } from "@/lib/models/add-model-from-cli";
import { DownloadError, downloadPinnedFile, type DownloadProgress } from "@/lib/models/download-pinned-file";
import { findKnownModel, KNOWN_MODELS } from "@/lib/models/known-models";
import { parseLabelsText } from "@/lib/models/model-definition";
import { ModelValidationError } from "@/lib/models/validate-onnx-model";
import { loadServerEnvForScript } from "./lib/load-env";

function fail(message: string): never {
  if (process.stderr.isTTY) process.stderr.write("\n");
  console.error(`model:fetch: ${message}`);
  process.exit(1);
}

/** A one-line progress bar on a terminal; a line per 25 % otherwise (logs, CI). */
function progressPrinter() {
  let lastQuarter = -1;
  return ({ fileName, received, total }: DownloadProgress) => {
    const fraction = total ? Math.min(1, received / total) : 0;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(`\r${fileName} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${(received / 2 ** 20).toFixed(1)} MiB`);
      if (received >= total) process.stderr.write("\n");
    } else {
      const quarter = Math.floor(fraction * 4);
      if (quarter !== lastQuarter) {
        lastQuarter = quarter;
        process.stderr.write(`${fileName}: ${quarter * 25}% (${(received / 2 ** 20).toFixed(1)} MiB)\n`);
      }
    }
  };
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { mirror: { type: "string" }, server: { type: "string" }, token: { type: "string" }, help: { type: "boolean" } },
  });
  const name = positionals[0];
  if (values.help || !name) {
    console.log(`usage: npm run model:fetch -- NAME [--mirror URL] [--server URL --token TOKEN]\nknown models: ${Object.keys(KNOWN_MODELS).join(", ")}`);
    if (!name && !values.help) process.exit(1);
    return;
  }
  const known = findKnownModel(name);
  if (!known) fail(`no known model called "${name}"; known models: ${Object.keys(KNOWN_MODELS).join(", ")}.`);
  if (values.server && !values.token) fail("--server needs --token (a researcher API token).");
  const target: CliTarget = values.server ? { kind: "server", url: values.server, token: values.token! } : { kind: "direct", env: loadServerEnvForScript() };
  const onProgress = progressPrinter();
  const labelsBytes = await downloadPinnedFile(known.labels, { mirror: values.mirror, onProgress });
  const modelBytes = await downloadPinnedFile(known.model, { mirror: values.mirror, onProgress: progressPrinter() });
  const { model, created } = await addModelFromCli(target, {
    bytes: modelBytes,
    fileName: known.model.fileName,
    definition: { name: known.name, labels: parseLabelsText(new TextDecoder().decode(labelsBytes)), preprocessing: known.preset, topK: known.topK },
    source: `fetch:${Object.entries(KNOWN_MODELS).find(([, m]) => m === known)![0]}`,
  });
  console.log(`${created ? "Added" : "Already registered:"} ${model.name} — id ${model.id}, sha256 ${model.sha256.slice(0, 12)}…, ${model.numClasses} classes, file ${model.fileUrl}`);
}

main().catch((error: unknown) => {
  if (error instanceof DownloadError || error instanceof ModelValidationError || error instanceof CliModelError || error instanceof ConfigError || error instanceof DatabaseBusyError) fail(error.message);
  fail(error instanceof Error ? error.message : String(error));
});
