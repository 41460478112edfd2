// The fingerprint of a preprocessed tensor: SHA-256 of its float32 little-endian bytes (WebCrypto,
// present in browsers and Node 20) and a per-channel summary. Equal hashes on phone and server mean
// the runtime, not the pixels, explains any difference in their answers. Pure.
import type { TensorSummary } from "@/lib/predictions/prediction-payload";
import { sha256Hex } from "./sha256-hex";

const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The tensor's bytes as little-endian float32, whatever the platform's byte order. */
export function tensorBytesLittleEndian(tensor: Float32Array): Uint8Array {
  const view = new Uint8Array(tensor.buffer, tensor.byteOffset, tensor.byteLength);
  if (isLittleEndian) return view;
  const out = new Uint8Array(tensor.byteLength);
  const data = new DataView(out.buffer);
  tensor.forEach((value, i) => data.setFloat32(i * 4, value, true));
  return out;
}

export function hashTensor(tensor: Float32Array): Promise<string> {
  return sha256Hex(tensorBytesLittleEndian(tensor));
}

/** Min, max, mean and standard deviation per channel (model channel order), for NCHW or NHWC tensors. */
export function summarizeTensor(tensor: Float32Array, dims: readonly number[], layout: "NCHW" | "NHWC"): TensorSummary {
  const channels = layout === "NCHW" ? (dims[1] ?? 1) : (dims[dims.length - 1] ?? 1);
  const perChannel = tensor.length / channels;
  const summary: TensorSummary = { min: [], max: [], mean: [], std: [] };
  const stats = new Float64Array(4);
  for (let c = 0; c < channels; c++) {
    const [start, step] = layout === "NCHW" ? [c * perChannel, 1] : [c, channels];
    stats.set([Infinity, -Infinity, 0, 0]);
    for (let k = 0; k < perChannel; k += STATS_CHUNK) addChannelStats(tensor, start + k * step, step, Math.min(STATS_CHUNK, perChannel - k), stats);
    const mean = stats[2]! / perChannel;
    summary.min.push(stats[0]!);
    summary.max.push(stats[1]!);
    summary.mean.push(mean);
    summary.std.push(Math.sqrt(Math.max(0, stats[3]! / perChannel - mean * mean)));
  }
  return summary;
}

/** Values per call of addChannelStats. */
const STATS_CHUNK = 4096;

/**
 * Adds `count` values from `start`, `step` apart, to the running min, max, sum and sum of squares
 * in `stats` (the same additions in the same order as one loop over the channel). Called many
 * times per tensor on purpose: V8 then optimises it once and keeps it, where a loop in a function
 * called once per tensor was recompiled photo after photo (see preprocess.ts's resampleRow).
 */
function addChannelStats(tensor: Float32Array, start: number, step: number, count: number, stats: Float64Array): void {
  let min = stats[0]!;
  let max = stats[1]!;
  let sum = stats[2]!;
  let sumSquares = stats[3]!;
  for (let k = 0, i = start; k < count; k++, i += step) {
    const v = tensor[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  stats[0] = min;
  stats[1] = max;
  stats[2] = sum;
  stats[3] = sumSquares;
}
