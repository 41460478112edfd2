// onnxruntime-node and sharp, loaded on first use rather than when the server starts: together they
// add about 60 MB to the process (ORT's library and environment ~40 MB once a session exists,
// libvips ~20 MB), and a server that only serves dashboards and exports never needs them.
import "server-only";

type OnnxRuntime = typeof import("onnxruntime-node");
type Sharp = typeof import("sharp");

let ort: Promise<OnnxRuntime> | undefined;
let sharp: Promise<Sharp> | undefined;

export function loadOnnxRuntime(): Promise<OnnxRuntime> {
  ort ??= import("onnxruntime-node");
  return ort;
}

export async function loadSharp(): Promise<Sharp["default"]> {
  sharp ??= import("sharp");
  return (await sharp).default;
}
