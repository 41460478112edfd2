// `npm run export -- --study ID [--divergent-only] --out FILE.zip [--server URL --token T]
// [--device-models a,b] [--from DATE] [--to DATE] [--capture-methods m] [--backends b] [--metadata-only]`
// Downloads a dataset export from a running server's API (default http://127.0.0.1:$PORT with
// PARALLAX_ADMIN_TOKEN): a progress bar in bytes and files, FILE.zip.part renamed once complete,
// a complete FILE.zip not downloaded again.
import { parseArgs } from "node:util";
import { downloadExport, ExportCliError } from "@/lib/export/download-export";
import { loadDotEnv } from "./lib/load-env";

const USAGE = `usage: npm run export -- --study ID --out FILE.zip [options]
  --divergent-only          only unstable scenes (device models disagree)
  --metadata-only           leave the photos out (metadata.jsonl, CSVs and README only)
  --device-models a,b       only these device model keys
  --capture-methods m,n     only these capture methods
  --backends webgpu,wasm    only captures whose phone prediction ran on these backends
  --from DATE --to DATE     capture time range (--to exclusive)
  --source device|reference whose predictions vote (default device)
  --server URL              default http://127.0.0.1:$PORT (3000)
  --token T                 researcher API token (default PARALLAX_ADMIN_TOKEN)`;

async function main(): Promise<number> {
  loadDotEnv();
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        study: { type: "string" },
        out: { type: "string" },
        "divergent-only": { type: "boolean", default: false },
        "metadata-only": { type: "boolean", default: false },
        "device-models": { type: "string" },
        "capture-methods": { type: "string" },
        backends: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        source: { type: "string" },
        server: { type: "string" },
        token: { type: "string" },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.study || !values.out) {
    process.stderr.write(`--study and --out are required.\n${USAGE}\n`);
    return 2;
  }
  const query = new URLSearchParams();
  if (values["divergent-only"]) query.set("divergentOnly", "true");
  if (values["metadata-only"]) query.set("images", "false");
  const passOn = { "device-models": "deviceModels", "capture-methods": "captureMethods", backends: "backends", from: "from", to: "to", source: "source" } as const;
  for (const [flag, param] of Object.entries(passOn)) {
    const value = values[flag as keyof typeof passOn];
    if (value) query.set(param, value);
  }
  const out = values.out.endsWith(".zip") ? values.out : `${values.out}.zip`;
  try {
    await downloadExport({
      server: values.server ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`,
      token: values.token ?? process.env.PARALLAX_ADMIN_TOKEN,
      studyId: values.study,
      query,
      out,
      stderr: process.stderr,
    });
    return 0;
  } catch (error) {
    if (error instanceof ExportCliError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
