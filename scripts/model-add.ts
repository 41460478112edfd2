// `npm run model:add -- FILE.onnx --labels labels.txt [--preset imagenet|generic | --preprocessing spec.json]
//   [--name "MobileNetV2 int8"] [--top-k 5] [--server URL --token T]`
// Validates the model with onnxruntime-node and registers it, through a running server's API or,
// when none is given, directly in the configured database (refused while a server holds it).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "@/lib/env/server-env";
import { DatabaseBusyError } from "@/lib/db/open-database";
import { addModelFromCli, CliModelError, type CliTarget } from "@/lib/models/add-model-from-cli";
import { parseLabelsText } from "@/lib/models/model-definition";
import { ModelValidationError } from "@/lib/models/validate-onnx-model";
import { ZodError } from "zod";
import { loadServerEnvForScript } from "./lib/load-env";

const USAGE =
  'usage: npm run model:add -- FILE.onnx --labels labels.txt [--preset imagenet|generic | --preprocessing spec.json] [--name "Name"] [--top-k 5] [--server URL --token TOKEN]';

function fail(message: string): never {
  console.error(`model:add: ${message}`);
  process.exit(1);
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      labels: { type: "string" },
      preset: { type: "string" },
      preprocessing: { type: "string" },
      name: { type: "string" },
      "top-k": { type: "string" },
      server: { type: "string" },
      token: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const file = positionals[0];
  if (!file || !values.labels) fail(`a model file and --labels are required.\n${USAGE}`);
  if (!existsSync(file)) fail(`${file} does not exist.`);
  if (!existsSync(values.labels)) fail(`${values.labels} does not exist.`);
  if (values.server && !values.token) fail("--server needs --token (a researcher API token).");
  const labels = parseLabelsText(readFileSync(values.labels, "utf8"));
  let preprocessing: unknown = values.preset ?? "imagenet";
  if (values.preprocessing) {
    try {
      preprocessing = JSON.parse(readFileSync(values.preprocessing, "utf8"));
    } catch (error) {
      fail(`${values.preprocessing} is not a readable JSON preprocessing spec (${(error as Error).message}).`);
    }
  }
  const target: CliTarget = values.server ? { kind: "server", url: values.server, token: values.token! } : { kind: "direct", env: loadServerEnvForScript() };
  const { model, created } = await addModelFromCli(target, {
    bytes: new Uint8Array(readFileSync(file)),
    fileName: path.basename(file),
    definition: {
      name: values.name ?? path.basename(file, path.extname(file)),
      labels,
      preprocessing: preprocessing as "imagenet",
      ...(values["top-k"] ? { topK: Number(values["top-k"]) } : {}),
    },
    source: "cli",
  });
  console.log(
    `${created ? "Added" : "Already registered:"} ${model.name} — id ${model.id}, sha256 ${model.sha256.slice(0, 12)}…, ` +
      `input ${model.inputName} ${model.layout} ${model.inputWidth}×${model.inputHeight}, ${model.numClasses} classes, file ${model.fileUrl}`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ModelValidationError || error instanceof CliModelError || error instanceof ConfigError || error instanceof DatabaseBusyError) fail(error.message);
  if (error instanceof ZodError) fail(error.issues.map((issue) => `${issue.path.join(".") || "input"} ${issue.message}`).join("; "));
  fail(error instanceof Error ? error.message : String(error));
});
