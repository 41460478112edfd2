// The page side of display mode's scene detection: one Web Worker, created on the first photo (so
// neither the worker nor the QR reader's WebAssembly weigh on the page's first load), answering
// "which scene is in this photo, where is the stimulus, and its upright crop".
import "client-only";
import { sceneWorkerResponseSchema, type SceneWorkerResponse } from "./scene-worker-messages";

export type SceneDetectorResult = Extract<SceneWorkerResponse, { type: "detected" }>;

export type SceneDetectorClient = {
  detect(image: ArrayBuffer, options: { studyCode: string; rectify: boolean }): Promise<SceneDetectorResult>;
  dispose(): void;
};

export function createSceneDetectorClient(): SceneDetectorClient {
  let worker: Worker | undefined;
  const pending = new Map<number, { resolve: (result: SceneDetectorResult) => void; reject: (error: Error) => void }>();
  let nextId = 1;

  function start(): Worker {
    if (worker) return worker;
    const created = new Worker(new URL("./scene-worker.ts", import.meta.url), { type: "module", name: "parallax-scene" });
    created.addEventListener("message", (event: MessageEvent) => {
      const parsed = sceneWorkerResponseSchema.safeParse(event.data);
      if (!parsed.success) return;
      const entry = pending.get(parsed.data.requestId);
      if (!entry) return;
      pending.delete(parsed.data.requestId);
      if (parsed.data.type === "error") entry.reject(new Error(parsed.data.message));
      else entry.resolve(parsed.data);
    });
    created.addEventListener("error", (event) => {
      const error = new Error(`The scene worker stopped: ${event.message || "unknown error"}`);
      for (const entry of pending.values()) entry.reject(error);
      pending.clear();
      worker = undefined;
    });
    worker = created;
    return created;
  }

  return {
    detect(image, options) {
      const bytes = image.slice(0);
      const requestId = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(requestId, { resolve, reject });
        start().postMessage({ type: "detect", requestId, bytes, studyCode: options.studyCode, rectify: options.rectify }, [bytes]);
      });
    },
    dispose() {
      worker?.terminate();
      worker = undefined;
      for (const entry of pending.values()) entry.reject(new Error("The scene detector was disposed."));
      pending.clear();
    },
  };
}
