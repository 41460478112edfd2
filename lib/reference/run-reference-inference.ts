// The server's reference run: onnxruntime-node (CPU) on the stored bytes with the shared decoder
// and preprocessing, so its tensor hash matches a phone's for the same bytes. Sessions are created
// once per model and kept (a few at most). Used by the reference worker, the simulator and the
// compression probe.
import "server-only";
import type * as Ort from "onnxruntime-node";
import { classifyImageBytes, type ClassifierModel, type ImageClassification } from "@/lib/inference/classify-image";
import type { RuntimeInfo } from "@/lib/inference/classify";
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import { getBlobStore } from "@/lib/storage/get-blob-store";
import { loadOnnxRuntime } from "@/lib/server/load-native-modules";
import { configureNodeImageCodecs } from "./node-image-codecs";

/** A registered model as the reference needs it (ModelInfo satisfies this). */
export type ReferenceModel = ClassifierModel & { inputName: string; outputName: string };

export type ReferenceOptions = {
  variant?: PredictionPayload["variant"];
  maxPixels?: number;
  /** Where the ONNX bytes come from (default: the server's blob store, keyed by SHA-256). */
  readModelBytes?: (sha256: string) => Promise<Uint8Array>;
};

const REFERENCE_THREADS = 1;
const MAX_SESSIONS = 4;

type SessionCache = Map<string, Promise<Ort.InferenceSession>>;
const sessions: SessionCache = ((globalThis as { __parallaxReferenceSessions?: SessionCache }).__parallaxReferenceSessions ??= new Map());

function defaultReadModelBytes(sha256: string): Promise<Uint8Array> {
  return getBlobStore().get(sha256);
}

/** The cached onnxruntime-node session of a model (created on first use). */
export function getReferenceSession(sha256: string, readModelBytes: (sha256: string) => Promise<Uint8Array> = defaultReadModelBytes): Promise<Ort.InferenceSession> {
  let session = sessions.get(sha256);
  if (!session) {
    session = (async () =>
      (await loadOnnxRuntime()).InferenceSession.create(await readModelBytes(sha256), {
        executionProviders: ["cpu"],
        intraOpNumThreads: REFERENCE_THREADS,
        interOpNumThreads: 1,
        // Exact int8 arithmetic on x86: without it, AVX2's saturating u8s8 multiply-add makes
        // quantized models' logits differ from the phones' WASM kernels by whole units.
        extra: { session: { x64quantprecision: "1" } },
      }))();
    session.catch(() => sessions.delete(sha256));
    sessions.set(sha256, session);
    while (sessions.size > MAX_SESSIONS) {
      const oldest = sessions.keys().next().value!;
      const evicted = sessions.get(oldest);
      sessions.delete(oldest);
      void evicted?.then((s) => s.release()).catch(() => {});
    }
  }
  return session;
}

export function referenceRuntimeInfo(ort: typeof Ort): RuntimeInfo {
  return {
    source: "reference",
    backend: "cpu",
    runtime: "onnxruntime-node",
    runtimeVersion: ort.env.versions.node ?? ort.env.versions.common,
    runtimeBundle: "onnxruntime-node (CPU EP)",
    threads: REFERENCE_THREADS,
  };
}

/** Reference classification with the logits and tensor hash (for comparisons and tests). */
export async function classifyOnServer(model: ReferenceModel, bytes: Uint8Array, options: ReferenceOptions = {}): Promise<ImageClassification> {
  configureNodeImageCodecs();
  const ort = await loadOnnxRuntime();
  const session = await getReferenceSession(model.sha256, options.readModelBytes);
  return classifyImageBytes(
    bytes,
    model,
    async (tensor, dims) => {
      const results = await session.run({ [model.inputName]: new ort.Tensor("float32", tensor, dims) }, [model.outputName]);
      const output = results[model.outputName];
      if (!output || output.type !== "float32") throw new Error(`the model gave no float32 output "${model.outputName}"`);
      return output.data as Float32Array;
    },
    referenceRuntimeInfo(ort),
    { variant: options.variant, maxPixels: options.maxPixels },
  );
}

/** Run the model on the image bytes on the server; the PredictionPayload to store as `reference`. */
export async function runReferenceInference(model: ReferenceModel, bytes: Uint8Array, options: ReferenceOptions = {}): Promise<PredictionPayload> {
  return (await classifyOnServer(model, bytes, options)).prediction;
}
