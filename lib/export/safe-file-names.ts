// File and folder names inside an export that every filesystem accepts (Windows, macOS, Linux,
// FAT/exFAT): ASCII letters, digits, "-", "_" and "." only, no reserved device names (CON, NUL,
// COM1…), no leading or trailing dot, at most 80 characters. A name that had to change gets a
// short hash of the original, so two different keys never share a folder, and names are kept
// distinct ignoring case (case-insensitive filesystems). Names also never hold a Hugging Face split
// keyword ("test", "train", "val", …) as a word of their own: `load_dataset("imagefolder")` would
// otherwise take such folders or files for a split of their own and drop the rest. Pure.
import { createHash } from "node:crypto";

const MAX_LENGTH = 80;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
/** datasets' SPLIT_KEYWORDS: a path part holding one between non-letters marks a split. */
export const HF_SPLIT_KEYWORDS = ["train", "training", "validation", "valid", "dev", "val", "test", "testing", "eval", "evaluation"] as const;
const SPLIT_WORDS = new Set<string>(HF_SPLIT_KEYWORDS);

/** True when a letter run of `name` (between digits, "-", "_", ".", " ") is a split keyword, in any case. */
export function hasSplitKeyword(name: string): boolean {
  return name.split(/[^A-Za-z]+/).some((word) => SPLIT_WORDS.has(word.toLowerCase()));
}

/** Split keywords made plain words ("test" → "tests"), so datasets sees one split. */
function avoidSplitKeywords(name: string): string {
  return name.replace(/[A-Za-z]+/g, (word) => (SPLIT_WORDS.has(word.toLowerCase()) ? `${word}s` : word));
}

function shortHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 8);
}

/** `text` reduced to the safe alphabet; "" when nothing is left. */
function reduce(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+|[._]+$/g, "")
    .slice(0, MAX_LENGTH);
}

/** A safe path segment for `text`: itself when already safe, else the reduced text plus a hash of the original. */
export function toSafeSegment(text: string): string {
  const reduced = avoidSplitKeywords(reduce(text)).slice(0, MAX_LENGTH);
  const isReserved = RESERVED.test(reduced.split(".")[0]!);
  if (reduced === text && reduced !== "" && !isReserved) return reduced;
  // "NUL.txt" is as reserved as "NUL" on Windows: the stem loses its dots.
  const stem = (isReserved ? reduced.replaceAll(".", "_") : reduced).slice(0, MAX_LENGTH - 9) || "x";
  return `${stem}-${shortHash(text)}`;
}

/**
 * Assigns each key a safe segment, distinct ignoring case among those assigned so far. Feed keys in
 * a fixed order (the export's) and the same keys always get the same names.
 */
export function createSafeNamer(): (key: string) => string {
  const byKey = new Map<string, string>();
  const taken = new Set<string>();
  return (key) => {
    const known = byKey.get(key);
    if (known !== undefined) return known;
    let name = toSafeSegment(key);
    for (let attempt = 1; taken.has(name.toLowerCase()); attempt++) name = `${toSafeSegment(key).slice(0, MAX_LENGTH - 11)}-${shortHash(`${key}#${attempt}`)}`;
    taken.add(name.toLowerCase());
    byKey.set(key, name);
    return name;
  };
}

/** The file extension of a stored image's MIME type. */
export function extensionOfMime(mime: string): string {
  switch (mime.toLowerCase()) {
    case "image/png":
      return "png";
    case "image/webp":
      return "webp";
    case "image/gif":
      return "gif";
    default:
      return "jpg";
  }
}
