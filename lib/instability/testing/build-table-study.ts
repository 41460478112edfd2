// A small study written as a table, for database tests whose every number is worked out by hand:
// the study, its scenes (ground truth by class index), its devices and each capture with its
// predictions, as the SyntheticStudy that insertSyntheticStudy loads. Pure.
import type { SyntheticCapture, SyntheticPrediction, SyntheticStudy } from "./generate-synthetic-study";

export type TableStudyCapture = Omit<SyntheticCapture, "studyId" | "clientCaptureId" | "captureMethod"> & {
  captureMethod?: string;
  predictions: Omit<SyntheticPrediction, "captureId" | "studyId">[];
};

export type TableStudyOptions = {
  study: { id: string; name: string; code: string };
  model: { id: string; sha256: string; labels: string[] };
  /** Ground truth as a class index of the model's labels (null: none), in position order. */
  scenes: { id: string; key: string; labelIndex: number | null }[];
  devices: { id: string; deviceModelKey: string; tokenHash: string; backend?: string }[];
  captures: TableStudyCapture[];
};

export function buildTableStudy(options: TableStudyOptions): SyntheticStudy {
  const studyId = options.study.id;
  const { labels } = options.model;
  return {
    model: options.model,
    study: { ...options.study, modelId: options.model.id },
    scenes: options.scenes.map(({ id, key, labelIndex }, position) => ({ id, studyId, key, label: labelIndex === null ? null : labels[labelIndex]!, labelIndex, position })),
    devices: options.devices.map((device) => ({
      studyId,
      userAgent: null as unknown as string,
      uaPlatform: "Android",
      captureMethod: "native-camera",
      backend: "wasm",
      ...device,
    })),
    *chunks() {
      yield {
        captures: options.captures.map(({ predictions: _predictions, ...capture }) => ({ captureMethod: "native-camera", ...capture, studyId, clientCaptureId: capture.id })),
        predictions: options.captures.flatMap((capture) => capture.predictions.map((prediction) => ({ ...prediction, captureId: capture.id, studyId }))),
      };
    },
  };
}
