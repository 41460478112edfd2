// The page-side API of in-browser inference (what the phone capture page calls):
//   const client = createInferenceClient();
//   const runtime = await client.loadModel(modelInfo, (p) => showProgress(p));
//   const { prediction, decoded, timings } = await client.classify(photoFile);
// It owns one Web Worker; the worker owns the onnxruntime-web session (one per model).
import "client-only";
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import {
  workerResponseSchema,
  type BackendPreference,
  type ClassifyResult,
  type LoadPhase,
  type RuntimeState,
  type WorkerModel,
  type WorkerRequest,
  type WorkerResponse,
} from "./worker-messages";

export type { BackendPreference, ClassifyResult, LoadPhase, RuntimeState, WorkerModel };

export type LoadProgress = { phase: LoadPhase; loaded: number; total: number };

export type ClassifyOutcome = ClassifyResult & {
  timings: PredictionPayload["timings"] & { totalMs: number };
};

export type InferenceClient = {
  /** Download (or take from Cache Storage) the model and runtime, create the session. Resolves with what will run. */
  loadModel(model: WorkerModel, onProgress?: (progress: LoadProgress) => void, options?: { backend?: BackendPreference; threads?: number }): Promise<RuntimeState>;
  /** Decode, preprocess and classify one photo (JPEG, PNG or WebP bytes; they stay the caller's: the worker gets a copy). */
  classify(image: Blob | ArrayBuffer | Uint8Array, options?: { variant?: PredictionPayload["variant"]; maxPixels?: number }): Promise<ClassifyOutcome>;
  /** Bare session.run on a prepared tensor (benchmarks, diagnostics). */
  runTensor(tensor: Float32Array, dims: number[]): Promise<{ logits: Float32Array; inferenceMs: number }>;
  /** The runtime of the loaded model, if any. */
  readonly runtime: RuntimeState | undefined;
  dispose(): void;
};

type Pending = { resolve: (message: WorkerResponse) => void; reject: (error: Error) => void; onProgress?: (progress: LoadProgress) => void };

export function createInferenceClient(): InferenceClient {
  const worker = new Worker(new URL("./inference-worker.ts", import.meta.url), { type: "module", name: "parallax-inference" });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let runtime: RuntimeState | undefined;
  let disposed = false;
  // The buffer of the last classified photo, back from the worker: the next photo is copied into
  // it. A fresh buffer of a few MB for every photo cost ~1.2 ms on this thread (new zeroed pages,
  // against ~0.1 ms to copy into memory already there) and fed the garbage collector.
  let spare: ArrayBuffer | undefined;

  worker.addEventListener("message", (event: MessageEvent) => {
    const parsed = workerResponseSchema.safeParse(event.data);
    if (!parsed.success) return;
    const message = parsed.data;
    const entry = pending.get(message.requestId);
    if (!entry) return;
    if (message.type === "loading") {
      entry.onProgress?.({ phase: message.phase, loaded: message.loaded, total: message.total });
      return;
    }
    pending.delete(message.requestId);
    if (message.type === "result" && message.bytes && message.bytes.byteLength > (spare?.byteLength ?? 0)) spare = message.bytes;
    if (message.type === "error") entry.reject(new Error(message.message));
    else entry.resolve(message);
  });
  worker.addEventListener("error", (event) => {
    const error = new Error(`The inference worker stopped: ${event.message || "unknown error"}`);
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  });

  function send(request: WorkerRequest, transfer: Transferable[] = [], onProgress?: Pending["onProgress"]): Promise<WorkerResponse> {
    if (disposed) return Promise.reject(new Error("The inference client was disposed."));
    return new Promise((resolve, reject) => {
      pending.set(request.requestId, { resolve, reject, onProgress });
      worker.postMessage(request, transfer);
    });
  }

  return {
    get runtime() {
      return runtime;
    },
    async loadModel(model, onProgress, options = {}) {
      const message = await send(
        {
          type: "load",
          requestId: nextId++,
          model: {
            sha256: model.sha256,
            fileUrl: model.fileUrl,
            ...(model.gzipFileUrl ? { gzipFileUrl: model.gzipFileUrl } : {}),
            sizeBytes: model.sizeBytes,
            inputName: model.inputName,
            outputName: model.outputName,
            labels: [...model.labels],
            topK: model.topK,
            preprocessing: model.preprocessing,
          },
          backend: options.backend ?? "auto",
          ...(options.threads ? { threads: options.threads } : {}),
        },
        [],
        onProgress,
      );
      if (message.type !== "ready") throw new Error(`unexpected answer ${message.type}`);
      runtime = message.runtime;
      return message.runtime;
    },
    async classify(image, options = {}) {
      const started = performance.now();
      // The worker gets its own copy (transferred): the caller's bytes stay as they are.
      let buffer: ArrayBuffer;
      let byteLength: number | undefined;
      if (image instanceof Blob) buffer = await image.arrayBuffer();
      else if (spare && spare.byteLength >= image.byteLength) {
        buffer = spare;
        spare = undefined;
        byteLength = image.byteLength;
        new Uint8Array(buffer).set(image instanceof Uint8Array ? image : new Uint8Array(image));
      } else buffer = image instanceof Uint8Array ? image.slice().buffer : image.slice(0);
      const message = await send({ type: "classify", requestId: nextId++, bytes: buffer, byteLength, variant: options.variant, maxPixels: options.maxPixels }, [buffer]);
      if (message.type !== "result") throw new Error(`unexpected answer ${message.type}`);
      return { ...message.result, timings: { ...message.result.prediction.timings, totalMs: performance.now() - started } };
    },
    async runTensor(tensor, dims) {
      const copy = tensor.slice();
      const message = await send({ type: "run-tensor", requestId: nextId++, tensor: copy, dims }, [copy.buffer]);
      if (message.type !== "tensor-result") throw new Error(`unexpected answer ${message.type}`);
      return { logits: message.logits, inferenceMs: message.inferenceMs };
    },
    dispose() {
      disposed = true;
      spare = undefined;
      worker.terminate();
      for (const entry of pending.values()) entry.reject(new Error("The inference client was disposed."));
      pending.clear();
    },
  };
}
