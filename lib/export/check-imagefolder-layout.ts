// The Hugging Face `imagefolder` rules an export relies on, as a checker (python `datasets` is not
// available to the tests): one metadata.jsonl; each line a JSON object with the same keys and, per
// key, one JSON type (null aside) so Arrow infers one schema; `file_name` a relative POSIX path,
// from the metadata file's folder, to an image with an extension imagefolder loads; every image
// under that folder named by exactly one row; no `image` column (imagefolder adds it); no folder or
// file name holding a split keyword as a word (datasets would split the data by it and drop files).
// Returns the broken rules as sentences (empty when the layout loads). Pure.
import { hasSplitKeyword } from "./safe-file-names";

/** Image extensions imagefolder recognises that exports write. */
export const IMAGEFOLDER_IMAGE_EXTENSIONS = [".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff"] as const;
const METADATA_NAMES = ["metadata.jsonl", "metadata.csv", "metadata.parquet"];

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) {
    const inner = new Set(value.map(typeOf).filter((t) => t !== "null"));
    return `array<${[...inner].sort().join("|")}>`;
  }
  if (typeof value === "object") return `object{${Object.keys(value as object).sort().join(",")}}`;
  return typeof value;
}

const isImage = (name: string) => IMAGEFOLDER_IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

export function checkImagefolderLayout(fileNames: readonly string[], metadataPath: string, metadataText: string): string[] {
  const problems: string[] = [];
  const metadataFiles = fileNames.filter((name) => METADATA_NAMES.includes(name.split("/").pop() ?? ""));
  if (metadataFiles.length !== 1 || metadataFiles[0] !== metadataPath) problems.push(`expected exactly one metadata file (${metadataPath}), found: ${metadataFiles.join(", ") || "none"}`);
  const folder = metadataPath.includes("/") ? metadataPath.slice(0, metadataPath.lastIndexOf("/") + 1) : "";
  const files = new Set(fileNames);
  const lines = metadataText.split("\n").filter((line, index, all) => !(line === "" && index === all.length - 1));
  let keys: string | undefined;
  const types = new Map<string, string>();
  const named = new Set<string>();
  lines.forEach((line, index) => {
    const where = `metadata line ${index + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      problems.push(`${where} is not JSON`);
      return;
    }
    if (!row || typeof row !== "object" || Array.isArray(row)) {
      problems.push(`${where} is not a JSON object`);
      return;
    }
    const record = row as Record<string, unknown>;
    const rowKeys = Object.keys(record).sort().join(",");
    keys ??= rowKeys;
    if (rowKeys !== keys) problems.push(`${where} has other keys than line 1`);
    if ("image" in record) problems.push(`${where} has an "image" key, which imagefolder reserves`);
    for (const [key, value] of Object.entries(record)) {
      const type = typeOf(value);
      if (type === "null") continue;
      const known = types.get(key);
      if (known === undefined) types.set(key, type);
      else if (known !== type) problems.push(`${where}: "${key}" is ${type}, earlier rows have ${known}`);
    }
    const fileName = record.file_name;
    if (typeof fileName !== "string" || fileName === "") {
      problems.push(`${where} has no file_name`);
      return;
    }
    if (fileName.startsWith("/") || fileName.includes("\\") || fileName.split("/").some((part) => part === ".." || part === "." || part === "")) {
      problems.push(`${where}: file_name ${fileName} is not a plain relative POSIX path`);
    }
    if (!isImage(fileName)) problems.push(`${where}: file_name ${fileName} has no image extension imagefolder loads`);
    const target = folder + fileName;
    if (!files.has(target)) problems.push(`${where}: file_name ${fileName} names no file in the archive`);
    if (named.has(target)) problems.push(`${where}: file_name ${fileName} appears twice`);
    named.add(target);
  });
  for (const name of fileNames) {
    if (name.startsWith(folder) && isImage(name) && !named.has(name)) problems.push(`image ${name} has no metadata row`);
    const splitPart = name.split("/").find(hasSplitKeyword);
    if (splitPart !== undefined) problems.push(`${name}: "${splitPart}" holds a split keyword, so datasets would load it as a split of its own`);
  }
  return problems;
}
