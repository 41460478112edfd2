// The text carried by the display page's QR codes: which study and scene the monitor shows and,
// for display-layout codes, where this code sits relative to the stimulus. Versioned, short, ASCII,
// and strictly parsed: anything that is not exactly this format (a foreign QR code, a truncated or
// hand-edited payload) is rejected. Pure; shared by the display page, the phone worker and tests.
//
// Format, version 1 (fields separated by ":"):
//   PX1:<studyCode>:<sceneKey>                   a scene tag only (e.g. a printed card), no geometry
//   PX1:<studyCode>:<sceneKey>:<c><a><W>x<H>     a display-layout code (see layout.ts):
//       c = corner of the stimulus this code sits at: 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left
//       a = arrangement: "h" codes left/right of the stimulus, "v" codes above/below it
//       W, H = stimulus size in QR modules (1..9999, no leading zeros)
// studyCode and sceneKey are percent-encoded with encodeURIComponent (so ":" and "%" inside them are
// escaped), must be non-empty, contain no control characters, and be in canonical encoding
// (decoding then encoding gives back the same text). Example: PX1:K7F3QZ:scene-017:0h230x173

export const SCENE_PAYLOAD_PREFIX = "PX1";
export const MAX_STUDY_CODE_LENGTH = 64;
export const MAX_SCENE_KEY_LENGTH = 128;
/** The longest geometry field: used to fix the QR version so that it never depends on the digits. */
export const LONGEST_GEOMETRY_FIELD = "3h9999x9999";

export const DISPLAY_CORNERS = [0, 1, 2, 3] as const;
/** 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left of the stimulus (clockwise). */
export type DisplayCorner = (typeof DISPLAY_CORNERS)[number];
export type DisplayArrangement = "h" | "v";

export type DisplayGeometry = {
  corner: DisplayCorner;
  arrangement: DisplayArrangement;
  /** Stimulus width in QR modules. */
  stimulusModulesWide: number;
  /** Stimulus height in QR modules. */
  stimulusModulesHigh: number;
};

export type ScenePayload = {
  studyCode: string;
  sceneKey: string;
  /** Null for a plain scene tag; present for the codes of the display layout. */
  geometry: DisplayGeometry | null;
};

const PAYLOAD_PATTERN = /^PX1:([^:]+):([^:]+)(?::([0-3])([hv])([1-9][0-9]{0,3})x([1-9][0-9]{0,3}))?$/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

function checkField(name: string, value: string, maxLength: number) {
  if (value.length === 0) throw new Error(`${name} must not be empty`);
  if (value.length > maxLength) throw new Error(`${name} must be at most ${maxLength} characters`);
  if (CONTROL_CHARACTERS.test(value)) throw new Error(`${name} must not contain control characters`);
}

/** Builds a payload. Throws on an empty/too long study code or scene key or an invalid geometry. */
export function formatScenePayload(payload: ScenePayload): string {
  checkField("studyCode", payload.studyCode, MAX_STUDY_CODE_LENGTH);
  checkField("sceneKey", payload.sceneKey, MAX_SCENE_KEY_LENGTH);
  const base = `${SCENE_PAYLOAD_PREFIX}:${encodeURIComponent(payload.studyCode)}:${encodeURIComponent(payload.sceneKey)}`;
  const geometry = payload.geometry;
  if (!geometry) return base;
  for (const [name, value] of [
    ["stimulusModulesWide", geometry.stimulusModulesWide],
    ["stimulusModulesHigh", geometry.stimulusModulesHigh],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 9999) throw new Error(`${name} must be an integer in 1..9999`);
  }
  if (!DISPLAY_CORNERS.includes(geometry.corner)) throw new Error("corner must be 0, 1, 2 or 3");
  if (geometry.arrangement !== "h" && geometry.arrangement !== "v") throw new Error('arrangement must be "h" or "v"');
  return `${base}:${geometry.corner}${geometry.arrangement}${geometry.stimulusModulesWide}x${geometry.stimulusModulesHigh}`;
}

function decodeField(encoded: string, maxLength: number): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    return null;
  }
  if (decoded.length === 0 || decoded.length > maxLength || CONTROL_CHARACTERS.test(decoded)) return null;
  // Canonical form only: "%41" for "A", lower-case escapes or raw characters that should be escaped are foreign.
  if (encodeURIComponent(decoded) !== encoded) return null;
  return decoded;
}

/** Parses a QR code's text; null for anything that is not a well-formed Parallax scene payload. */
export function parseScenePayload(text: string): ScenePayload | null {
  if (text.length > 4 + 3 * (MAX_STUDY_CODE_LENGTH + MAX_SCENE_KEY_LENGTH) + 1 + LONGEST_GEOMETRY_FIELD.length + 1) return null;
  const match = PAYLOAD_PATTERN.exec(text);
  if (!match) return null;
  const [, studyField, sceneField, corner, arrangement, wide, high] = match;
  if (studyField === undefined || sceneField === undefined) return null;
  const studyCode = decodeField(studyField, MAX_STUDY_CODE_LENGTH);
  const sceneKey = decodeField(sceneField, MAX_SCENE_KEY_LENGTH);
  if (studyCode === null || sceneKey === null) return null;
  if (corner === undefined || arrangement === undefined || wide === undefined || high === undefined) {
    return { studyCode, sceneKey, geometry: null };
  }
  return {
    studyCode,
    sceneKey,
    geometry: {
      corner: Number(corner) as DisplayCorner,
      arrangement: arrangement as DisplayArrangement,
      stimulusModulesWide: Number(wide),
      stimulusModulesHigh: Number(high),
    },
  };
}
