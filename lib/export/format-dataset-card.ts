// README.md of an exported dataset (a Hugging Face dataset card): what the study was, the model
// and its preprocessing, the filters, the counts, the headline metrics at export time, the consent
// text volunteers agreed to, how to load it, and that location data was removed. Pure.
import type { ExportPlan } from "./plan-dataset-export";

export type ExportCounts = { scenes: number; images: number; deviceModels: number; imageBytes: number; skipped: number };

const percent = (value: number | null) => (value === null ? "n/a" : `${(value * 100).toFixed(1)}%`);

function ratio(label: string, numerator: number, denominator: number, value: number | null, ci?: { lower: number; upper: number } | null): string {
  const interval = ci ? ` (95% CI ${percent(ci.lower)}–${percent(ci.upper)})` : "";
  return `- ${label}: ${percent(value)}${interval} — ${numerator} / ${denominator}`;
}

/** Text for a YAML double-quoted scalar. */
const yamlString = (text: string) => JSON.stringify(text);

export function formatDatasetCard(plan: ExportPlan, counts: ExportCounts, exportedAt: Date): string {
  const { report, options, filters } = plan;
  const filterLines = [
    `- Scenes: ${options.divergentOnly ? "divergent only (unstable: votes from 2+ device models that are not all equal)" : "all scenes with at least one vote"}`,
    `- Votes from: ${options.source === "device" ? "the phones' predictions" : "the server reference predictions on the same bytes"}`,
    `- Capture time: ${filters.from ?? "any"} to ${filters.to ? `${filters.to} (exclusive)` : "now"}`,
    `- Device models: ${filters.deviceModels?.join(", ") ?? "all"}`,
    `- Backends: ${filters.backends?.join(", ") ?? "all"}`,
    `- Capture methods: ${filters.captureMethods?.join(", ") ?? "all"}`,
    `- Images: ${options.images ? "included" : "left out (metadata-only export; file_name says where each photo would be)"}`,
  ];
  const pairs = [...report.pairwise]
    .filter((pair) => pair.sharedScenes > 0)
    .sort((a, b) => (b.instability ?? 0) - (a.instability ?? 0))
    .slice(0, 10)
    .map((pair) => `| ${pair.a} | ${pair.b} | ${pair.sharedScenes} | ${pair.disagreements} | ${percent(pair.instability)} |`);
  return [
    "---",
    `pretty_name: ${yamlString(`Parallax: ${plan.study.name}`)}`,
    "task_categories:",
    "- image-classification",
    "tags:",
    "- cross-device-instability",
    "- parallax",
    "---",
    "",
    `# ${plan.study.name} — cross-device dataset`,
    "",
    plan.study.description ? `${plan.study.description}\n` : "",
    `Exported from Parallax study \`${plan.studyId}\` on ${exportedAt.toISOString()} (database snapshot at ${plan.snapshotAt.toISOString()}).`,
    "Each photo was taken by a volunteer's phone through its own camera pipeline; the phone ran the model below on it.",
    "",
    "## Contents",
    "",
    `- ${counts.scenes} scenes, ${counts.images} photos from ${counts.deviceModels} device models${options.images ? ` (${counts.imageBytes} bytes of images)` : ""}.`,
    counts.skipped > 0 ? `- ${counts.skipped} photos were deleted while the export ran and are left out everywhere.` : "",
    "- `images/<scene>/<device model>__<capture id>.<ext>`: the stored bytes, unchanged (folders group one scene's photos across devices).",
    "- `metadata.jsonl`: one row per photo (Hugging Face imagefolder; `file_name` is relative to this folder): scene, ground truth, device model and id, capture method and time, SHA-256, the phone's and the server reference's top-k with probabilities and backend, the scene's instability flags and votes.",
    "- `predictions.csv`: long format, one row per (capture, source, rank).",
    "- `scenes.csv`: one row per scene with each device model's vote (`vote:<device model>`) and the instability flags.",
    "",
    "Load it with:",
    "",
    "```python",
    "from datasets import load_dataset",
    'ds = load_dataset("imagefolder", data_dir="path/to/this/folder", split="train")',
    "```",
    "",
    "## Model",
    "",
    `- Name: ${plan.model.name}`,
    `- SHA-256: \`${plan.model.sha256}\``,
    `- Input: ${plan.model.inputWidth}×${plan.model.inputHeight}, ${plan.model.layout}, ${plan.model.labels.length} classes, top-${plan.model.topK} recorded`,
    `- Preprocessing: \`${JSON.stringify(plan.model.preprocessing)}\``,
    "",
    "## Filters",
    "",
    ...filterLines,
    "",
    "## Headline metrics at export time",
    "",
    "Over every scene in the filtered study (not only the exported ones); definitions as in Parallax's PRODUCT.md. A vote is a device model's top-1 for a scene (most frequent over its captures, ties to the earliest).",
    "",
    ratio("Label instability", report.unstableScenes, report.eligibleScenes, report.labelInstability, report.ci95),
    ratio("Correctness instability", report.correctnessUnstableScenes, report.groundTruthScenes, report.correctnessInstability, report.correctnessCi95),
    ratio("Within-device instability", report.withinDeviceUnstableGroups, report.withinDeviceGroups, report.withinDeviceInstability),
    `- Captures counted: ${report.captures} from ${report.devices} devices; scenes with votes: ${report.scenes}`,
    "",
    pairs.length > 0 ? "| Device model A | Device model B | Shared scenes | Disagreements | Instability |\n|---|---|---|---|---|\n" + pairs.join("\n") + "\n" : "",
    "## Consent",
    "",
    "Volunteers agreed to this text before taking photos:",
    "",
    ...plan.study.consentText.split(/\r?\n/).map((line) => `> ${line}`),
    "",
    "## Privacy",
    "",
    "Location data was removed: GPS and other location fields were stripped from every photo's EXIF/XMP/IPTC when the server received it (without re-encoding the pixels), and no location is recorded in the metadata. Device ids are anonymous random ids.",
    "",
  ]
    .filter((line, index, lines) => !(line === "" && lines[index - 1] === ""))
    .join("\n");
}
