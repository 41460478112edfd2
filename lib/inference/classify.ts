// From a classifier's raw output to what Parallax records: softmax probabilities, the top-k with a
// stable tie-break (lower class index first), and a PredictionPayload. Shared by the phone runtime,
// the server reference and the simulator. Pure.
import type { PredictionPayload, TensorSummary, TopEntry } from "@/lib/predictions/prediction-payload";

/** Numerically stable softmax in float64. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp(logits[i]! - max);
    out[i] = e;
    total += e;
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / total;
  return out;
}

/** Indices of the k largest scores, best first; equal scores keep the lower index first. */
export function topKIndices(scores: ArrayLike<number>, k: number): number[] {
  const indices = Array.from({ length: scores.length }, (_, i) => i);
  indices.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return indices.slice(0, Math.max(1, Math.min(k, scores.length)));
}

export function topKEntries(logits: ArrayLike<number>, labels: readonly string[], k: number): TopEntry[] {
  if (labels.length !== logits.length) throw new Error(`the model gave ${logits.length} outputs for ${labels.length} labels`);
  const probs = softmax(logits);
  return topKIndices(logits, k).map((index) => ({ index, label: labels[index] ?? String(index), prob: Math.min(1, Math.max(0, probs[index]!)) }));
}

export type RuntimeInfo = {
  source: PredictionPayload["source"];
  backend: string;
  runtime: string;
  runtimeVersion?: string;
  runtimeBundle?: string;
  threads?: number;
  webgpuFailure?: string;
};

/** Assemble the payload one prediction is recorded with. */
export function buildPredictionPayload(input: {
  runtime: RuntimeInfo;
  modelSha256: string;
  preprocessingId: string;
  logits: ArrayLike<number>;
  labels: readonly string[];
  topK: number;
  tensorSha256?: string;
  tensorSummary?: TensorSummary;
  timings?: PredictionPayload["timings"];
  variant?: PredictionPayload["variant"];
}): PredictionPayload {
  const { runtime } = input;
  return {
    source: runtime.source,
    variant: input.variant ?? "original",
    backend: runtime.backend,
    runtime: runtime.runtime,
    ...(runtime.runtimeVersion ? { runtimeVersion: runtime.runtimeVersion } : {}),
    ...(runtime.runtimeBundle ? { runtimeBundle: runtime.runtimeBundle } : {}),
    ...(runtime.threads ? { threads: runtime.threads } : {}),
    ...(runtime.webgpuFailure ? { webgpuFailure: runtime.webgpuFailure.slice(0, 2000) } : {}),
    modelSha256: input.modelSha256,
    preprocessingId: input.preprocessingId,
    ...(input.tensorSha256 ? { tensorSha256: input.tensorSha256 } : {}),
    ...(input.tensorSummary ? { tensorSummary: input.tensorSummary } : {}),
    top: topKEntries(input.logits, input.labels, input.topK),
    timings: input.timings ?? {},
  };
}

/** Largest absolute difference between two logit vectors (runtime divergence on one tensor). */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`cannot compare ${a.length} with ${b.length} values`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
