// Copies the in-browser runtime files into public/ort/ (gitignored; run by postinstall and again
// by the tests and benchmarks that need them): onnxruntime-web's loaders and WebAssembly for the WASM
// and WebGPU bundles under public/ort/<version>/, and the image decoders' WebAssembly under
// public/ort/codecs/<package>-<version>/, and display mode's QR reader (zxing-wasm) under
// public/ort/zxing-wasm-<version>/ (fetched by the phone's scene worker only after a photo). Versioned folders make the URLs immutable, so they are served with
// long-lived caching. Nothing is downloaded: the files come from node_modules.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "public", "ort");
const modules = path.join(root, "node_modules");

const ORT_FILES = [
  "ort.wasm.min.mjs",
  "ort.webgpu.min.mjs",
  "ort-wasm-simd-threaded.mjs",
  "ort-wasm-simd-threaded.wasm",
  "ort-wasm-simd-threaded.asyncify.mjs",
  "ort-wasm-simd-threaded.asyncify.wasm",
];
const CODECS = [
  ["@jsquash/jpeg", "codec/dec/mozjpeg_dec.wasm"],
  ["@jsquash/png", "codec/pkg/squoosh_png_bg.wasm"],
  ["@jsquash/webp", "codec/dec/webp_dec.wasm"],
];

const versionOf = (pkg) => JSON.parse(readFileSync(path.join(modules, pkg, "package.json"), "utf8")).version;

function copy(from, to) {
  if (existsSync(to) && statSync(to).size === statSync(from).size && statSync(to).mtimeMs >= statSync(from).mtimeMs) return false;
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(from, to);
  return true;
}

if (!existsSync(path.join(modules, "onnxruntime-web"))) {
  console.log("onnxruntime-web is not installed: skipping the copy of the browser runtime files");
  process.exit(0);
}
let copied = 0;
const ortVersion = versionOf("onnxruntime-web");
for (const file of ORT_FILES) copied += copy(path.join(modules, "onnxruntime-web", "dist", file), path.join(out, ortVersion, file)) ? 1 : 0;
for (const [pkg, file] of CODECS) {
  const folder = `${pkg.replace("@", "").replace("/", "-")}-${versionOf(pkg)}`;
  copied += copy(path.join(modules, pkg, file), path.join(out, "codecs", folder, path.basename(file))) ? 1 : 0;
}
const zxingFile = path.join(modules, "zxing-wasm", "dist", "reader", "zxing_reader.wasm");
if (existsSync(zxingFile)) copied += copy(zxingFile, path.join(out, `zxing-wasm-${versionOf("zxing-wasm")}`, "zxing_reader.wasm")) ? 1 : 0;
console.log(`browser runtime files in public/ort/ (onnxruntime-web ${ortVersion}): ${copied} copied, ${ORT_FILES.length + CODECS.length + 1 - copied} up to date`);
