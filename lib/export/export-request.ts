// The export page's choices as the export endpoint's query string and as the equivalent CLI
// command, so the page, its direct link and the terminal hint always ask for the same export. Pure.
import { toExclusiveDay } from "@/lib/analytics/dashboard-filters";

export type ExportChoices = {
  divergentOnly: boolean;
  images: boolean;
  deviceModels: string[];
  backends: string[];
  captureMethods: string[];
  /** Inclusive days as date inputs give them ("2026-03-05"), or "". */
  fromDay: string;
  toDay: string;
};

export function buildExportSearch(choices: ExportChoices): URLSearchParams {
  const params = new URLSearchParams();
  params.set("divergentOnly", String(choices.divergentOnly));
  if (!choices.images) params.set("images", "false");
  if (choices.deviceModels.length > 0) params.set("deviceModels", choices.deviceModels.join(","));
  if (choices.backends.length > 0) params.set("backends", choices.backends.join(","));
  if (choices.captureMethods.length > 0) params.set("captureMethods", choices.captureMethods.join(","));
  if (choices.fromDay) params.set("from", choices.fromDay);
  if (choices.toDay) {
    const to = toExclusiveDay(choices.toDay);
    if (to) params.set("to", to);
  }
  return params;
}

export function exportUrl(studyId: string, choices: ExportChoices, extra: Record<string, string> = {}): string {
  const params = buildExportSearch(choices);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return `/api/v1/studies/${encodeURIComponent(studyId)}/export?${params.toString()}`;
}

const shellQuote = (text: string) => (/^[A-Za-z0-9._:/,@-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

/** The `npm run export` command that downloads the same export. */
export function exportCommand(studyId: string, choices: ExportChoices, out: string): string {
  const search = buildExportSearch(choices);
  const args = ["npm run export --", "--study", shellQuote(studyId)];
  if (choices.divergentOnly) args.push("--divergent-only");
  if (!choices.images) args.push("--metadata-only");
  for (const [param, flag] of [
    ["deviceModels", "--device-models"],
    ["backends", "--backends"],
    ["captureMethods", "--capture-methods"],
    ["from", "--from"],
    ["to", "--to"],
  ] as const) {
    const value = search.get(param);
    if (value) args.push(flag, shellQuote(value));
  }
  args.push("--out", shellQuote(out));
  return args.join(" ");
}
