// The inference Web Worker: loads onnxruntime-web (only the bundle it needs, from this app's
// /ort/ files), creates one session per model (WebGPU when an adapter exists and the model runs on
// it, WASM otherwise, never silently: a failed WebGPU session is recorded), keeps the model and the
// runtime WebAssembly in Cache Storage (the model is downloaded gzipped and verified by
// load-model-bytes.ts), and classifies photos with the shared decoder and preprocessing. Talks to
// the page only through the messages in worker-messages.ts.
/// <reference lib="webworker" />
import type * as Ort from "onnxruntime-web";
import { classifyImageBytes } from "../classify-image";
import { configureImageCodecs } from "../decode-image";
import { loadModelBytes } from "./load-model-bytes";
import { CODEC_ASSET_PATHS, MODEL_CACHE_NAME, ORT_BASE_PATH, ORT_BUNDLES, RUNTIME_CACHE_NAME, type OrtBundleName } from "./runtime-assets";
import {
  workerRequestSchema,
  type AdapterInfo,
  type BackendPreference,
  type RuntimeState,
  type WorkerModel,
  type WorkerRequest,
  type WorkerResponse,
} from "./worker-messages";

type OrtModule = typeof Ort;
type Session = { model: WorkerModel; session: Ort.InferenceSession; ort: OrtModule; runtime: RuntimeState };

const scope = self as unknown as DedicatedWorkerGlobalScope;
const bundles: Partial<Record<OrtBundleName, Promise<OrtModule>>> = {};
let current: Session | undefined;
let loading: Promise<Session> | undefined;

function post(message: WorkerResponse, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 2000);
}

/** GET through Cache Storage (when available), reporting progress; the bytes of the response. */
async function fetchCached(url: string, cacheName: string, onProgress?: (loaded: number, total: number) => void, expectedTotal?: number): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  const cache = typeof caches !== "undefined" ? await caches.open(cacheName).catch(() => undefined) : undefined;
  const hit = await cache?.match(url);
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    onProgress?.(bytes.length, bytes.length);
    return { bytes, fromCache: true };
  }
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`${url} answered ${response.status}`);
  const total = expectedTotal ?? (Number(response.headers.get("content-length")) || 0);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.(loaded, Math.max(total, loaded));
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  await cache?.put(url, new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } })).catch(() => {});
  return { bytes, fromCache: false };
}

configureImageCodecs(async (codec) => {
  const { bytes } = await fetchCached(CODEC_ASSET_PATHS[codec], RUNTIME_CACHE_NAME);
  return WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
});

function loadOrtBundle(name: OrtBundleName): Promise<OrtModule> {
  bundles[name] ??= (async () => {
    const url = new URL(ORT_BASE_PATH + ORT_BUNDLES[name].module, scope.location.origin).href;
    const ort = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ url)) as OrtModule;
    return ort;
  })().catch((error: unknown) => {
    delete bundles[name];
    throw error;
  });
  return bundles[name];
}

function isIOS(): boolean {
  const ua = scope.navigator.userAgent;
  return /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && ((scope.navigator as { maxTouchPoints?: number }).maxTouchPoints ?? 0) > 1);
}

type GpuAdapterLike = { info?: Partial<AdapterInfo>; requestAdapterInfo?: () => Promise<Partial<AdapterInfo>> };

async function findWebGpuAdapter(): Promise<AdapterInfo | undefined> {
  const gpu = (scope.navigator as unknown as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return undefined;
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return undefined;
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.().catch(() => undefined)) ?? {};
  return { vendor: info.vendor ?? "", architecture: info.architecture ?? "", device: info.device ?? "", description: info.description ?? "" };
}

function defaultThreads(): number {
  if (!scope.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, scope.navigator.hardwareConcurrency || 1));
}

async function createSession(
  name: OrtBundleName,
  modelBytes: Uint8Array,
  threads: number,
  requestId: number,
): Promise<{ ort: OrtModule; session: Ort.InferenceSession; threads: number }> {
  const ort = await loadOrtBundle(name);
  const wasmUrl = new URL(ORT_BASE_PATH + ORT_BUNDLES[name].wasm, scope.location.origin).href;
  const { bytes: wasmBinary } = await fetchCached(
    wasmUrl,
    RUNTIME_CACHE_NAME,
    (loaded, total) => post({ type: "loading", requestId, phase: "runtime", loaded, total }),
    ORT_BUNDLES[name].wasmBytes,
  );
  ort.env.wasm.wasmPaths = new URL(ORT_BASE_PATH, scope.location.origin).href;
  ort.env.wasm.wasmBinary = wasmBinary;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = "error";
  post({ type: "loading", requestId, phase: "session", loaded: 0, total: 1 });
  const session = await ort.InferenceSession.create(modelBytes, {
    executionProviders: [name === "webgpu" ? "webgpu" : "wasm"],
    graphOptimizationLevel: "all",
    // A model that WebGPU cannot run completely must fail here (and be recorded), not quietly run
    // parts of itself on the CPU while we report "webgpu".
    ...(name === "webgpu" ? { extra: { session: { disable_cpu_ep_fallback: "1" } } } : {}),
  });
  // numThreads is fixed once the WebAssembly runtime starts; report what it really uses.
  return { ort, session, threads: ort.env.wasm.numThreads ?? threads };
}

async function loadModel(request: Extract<WorkerRequest, { type: "load" }>): Promise<Session> {
  const { model, requestId } = request;
  if (current && current.model.sha256 === model.sha256 && (request.backend === "auto" || request.backend === current.runtime.backend)) return current;
  if (current) {
    await current.session.release().catch(() => {});
    current = undefined;
  }
  const download = await loadModelBytes(model, {
    baseUrl: scope.location.origin,
    cache: typeof caches !== "undefined" ? await caches.open(MODEL_CACHE_NAME).catch(() => undefined) : undefined,
    onProgress: (loaded, total) => post({ type: "loading", requestId, phase: "model", loaded, total }),
  });
  // The plain file was used instead, and works; say why so a broken gzip path does not go unseen.
  if (download.gzipFailure) console.warn(`Parallax: the gzip model file failed (${download.gzipFailure}); the plain file was used.`);
  const modelBytes = download.bytes;
  const fromCache = download.via === "cache";
  const threads = request.threads ?? defaultThreads();
  const started = performance.now();
  let webgpuFailure: string | undefined;
  let adapter: AdapterInfo | undefined;
  const wantWebGpu = request.backend === "webgpu" || (request.backend === "auto" && !isIOS());
  if (wantWebGpu) {
    adapter = await findWebGpuAdapter();
    if (adapter) {
      try {
        const created = await createSession("webgpu", modelBytes, threads, requestId);
        const runtime: RuntimeState = {
          backend: "webgpu",
          runtime: "onnxruntime-web",
          runtimeVersion: created.ort.env.versions.web ?? created.ort.env.versions.common,
          runtimeBundle: ORT_BUNDLES.webgpu.label,
          threads: created.threads,
          crossOriginIsolated: scope.crossOriginIsolated,
          adapter,
          sessionMs: performance.now() - started,
          modelFromCache: fromCache,
        };
        return { model, session: created.session, ort: created.ort, runtime };
      } catch (error) {
        webgpuFailure = `WebGPU session failed: ${errorText(error)}`;
      }
    } else if (request.backend === "webgpu") {
      webgpuFailure = "WebGPU was requested but no WebGPU adapter is available.";
    }
  }
  const created = await createSession("wasm", modelBytes, threads, requestId);
  const runtime: RuntimeState = {
    backend: "wasm",
    runtime: "onnxruntime-web",
    runtimeVersion: created.ort.env.versions.web ?? created.ort.env.versions.common,
    runtimeBundle: ORT_BUNDLES.wasm.label,
    threads: created.threads,
    crossOriginIsolated: scope.crossOriginIsolated,
    ...(adapter ? { adapter } : {}),
    ...(webgpuFailure ? { webgpuFailure } : {}),
    sessionMs: performance.now() - started,
    modelFromCache: fromCache,
  };
  return { model, session: created.session, ort: created.ort, runtime };
}

async function runTensor(session: Session, tensor: Float32Array, dims: number[]): Promise<Float32Array<ArrayBuffer>> {
  const { ort, model } = session;
  const results = await session.session.run({ [model.inputName]: new ort.Tensor("float32", tensor, dims) }, [model.outputName]);
  const output = results[model.outputName];
  if (!output || output.type !== "float32") throw new Error(`the model gave no float32 output "${model.outputName}"`);
  const data = (output.location === "cpu" ? output.data : await output.getData()) as Float32Array;
  return new Float32Array(data);
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case "load": {
      loading = loadModel(request);
      try {
        current = await loading;
      } finally {
        loading = undefined;
      }
      post({ type: "ready", requestId: request.requestId, runtime: current.runtime });
      return;
    }
    case "classify": {
      const session = current ?? (await loading);
      if (!session) throw new Error("No model is loaded: call loadModel first.");
      const { runtime } = session;
      const result = await classifyImageBytes(
        new Uint8Array(request.bytes, 0, request.byteLength ?? request.bytes.byteLength),
        { sha256: session.model.sha256, labels: session.model.labels, topK: session.model.topK, preprocessing: session.model.preprocessing },
        (tensor, dims) => runTensor(session, tensor, dims),
        {
          source: "device",
          backend: runtime.backend,
          runtime: runtime.runtime,
          runtimeVersion: runtime.runtimeVersion,
          runtimeBundle: runtime.runtimeBundle,
          threads: runtime.threads,
          ...(runtime.webgpuFailure ? { webgpuFailure: runtime.webgpuFailure } : {}),
        },
        { variant: request.variant, maxPixels: request.maxPixels },
      );
      const logits = new Float32Array(result.logits);
      // Nothing keeps a view of the photo's bytes once it is classified: they go back for reuse.
      post({ type: "result", requestId: request.requestId, result: { ...result, logits }, bytes: request.bytes }, [logits.buffer, request.bytes]);
      return;
    }
    case "run-tensor": {
      const session = current ?? (await loading);
      if (!session) throw new Error("No model is loaded: call loadModel first.");
      const started = performance.now();
      const logits = await runTensor(session, request.tensor, request.dims);
      post({ type: "tensor-result", requestId: request.requestId, logits, inferenceMs: performance.now() - started }, [logits.buffer]);
      return;
    }
  }
}

// One request at a time, in order: a session must never run two inferences concurrently.
let queue: Promise<void> = Promise.resolve();

scope.addEventListener("message", (event: MessageEvent) => {
  const parsed = workerRequestSchema.safeParse(event.data);
  if (!parsed.success) {
    const requestId = typeof event.data?.requestId === "number" ? event.data.requestId : -1;
    post({ type: "error", requestId, message: `Malformed request to the inference worker: ${parsed.error.issues[0]?.message ?? "invalid"}` });
    return;
  }
  const request = parsed.data;
  queue = queue.then(() =>
    handle(request).catch((error: unknown) => {
      post({ type: "error", requestId: request.requestId, message: errorText(error) });
    }),
  );
});

export type { BackendPreference };
