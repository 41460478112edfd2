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
  for (let c = 0; c < channels; c++) {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let sumSquares = 0;
    for (let k = 0; k < perChannel; k++) {
      const v = layout === "NCHW" ? tensor[c * perChannel + k]! : tensor[k * channels + c]!;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      sumSquares += v * v;
    }
    const mean = sum / perChannel;
    summary.min.push(min);
    summary.max.push(max);
    summary.mean.push(mean);
    summary.std.push(Math.sqrt(Math.max(0, sumSquares / perChannel - mean * mean)));
  }
  return summary;
}
