// QR symbols for the display page: the module matrix of a payload (via the `qrcode` package's
// encoder), the version shared by a frame's four codes, and the full plan of one frame (layout +
// the four payloads and matrices) that the page draws. Pure (no DOM, no Node APIs).
import QRCode from "qrcode";
import { computeDisplayLayout, describeCodeGeometry, type DisplayCodePlacement, type DisplayLayout } from "@/lib/display/layout";
import { formatScenePayload, LONGEST_GEOMETRY_FIELD } from "@/lib/display/scene-payload";

/** Error correction of the display codes: M (15 %) balances module size against damage tolerance. */
export const DISPLAY_QR_ERROR_CORRECTION = "M" as const;

export type QrMatrix = {
  version: number;
  /** Modules per side (17 + 4 · version). */
  size: number;
  /** Row-major, 1 = dark module. */
  dark: Uint8Array;
};

/** The QR symbol of `text` (byte mode, error correction M), at `version` or the smallest that fits. */
export function createQrMatrix(text: string, version?: number): QrMatrix {
  const code = QRCode.create([{ data: new TextEncoder().encode(text), mode: "byte" }], { errorCorrectionLevel: DISPLAY_QR_ERROR_CORRECTION, ...(version ? { version } : {}) });
  const size = code.modules.size;
  const dark = new Uint8Array(size * size);
  for (let row = 0; row < size; row++) for (let column = 0; column < size; column++) dark[row * size + column] = code.modules.get(row, column) ? 1 : 0;
  return { version: code.version, size, dark };
}

/**
 * The QR version for a frame of this study and scene: the smallest that holds the payload with the
 * longest possible geometry field, so the version (and so the layout) never depends on the digits.
 */
export function chooseQrVersion(studyCode: string, sceneKey: string): number {
  const longest = `${formatScenePayload({ studyCode, sceneKey, geometry: null })}:${LONGEST_GEOMETRY_FIELD}`;
  return createQrMatrix(longest).version;
}

export type PlannedDisplayCode = DisplayCodePlacement & { payload: string; matrix: QrMatrix };
export type DisplayFramePlan = { layout: DisplayLayout; codes: PlannedDisplayCode[]; studyCode: string; sceneKey: string };

/** Everything the display page needs to draw one scene: layout, payloads and QR matrices. */
export function planDisplayFrame(input: {
  screenWidth: number;
  screenHeight: number;
  stimulusWidth: number;
  stimulusHeight: number;
  studyCode: string;
  sceneKey: string;
}): DisplayFramePlan {
  const qrVersion = chooseQrVersion(input.studyCode, input.sceneKey);
  const layout = computeDisplayLayout({ ...input, qrVersion });
  const codes = layout.codes.map((placement) => {
    const payload = formatScenePayload({ studyCode: input.studyCode, sceneKey: input.sceneKey, geometry: describeCodeGeometry(layout, placement.corner) });
    return { ...placement, payload, matrix: createQrMatrix(payload, qrVersion) };
  });
  return { layout, codes, studyCode: input.studyCode, sceneKey: input.sceneKey };
}
