// In-process notifications of stored captures, for whoever wants them without polling (the
// reference worker, live views of a study). Listeners must not throw or block.
import { EventEmitter } from "node:events";

export type CaptureStoredEvent = { captureId: string; studyId: string; deviceId: string; sceneKey: string; deviceModelKey: string };

const state: { emitter?: EventEmitter } = ((globalThis as { __parallaxCaptureEvents?: { emitter?: EventEmitter } }).__parallaxCaptureEvents ??= {});
function emitter(): EventEmitter {
  if (!state.emitter) {
    state.emitter = new EventEmitter();
    state.emitter.setMaxListeners(1000);
  }
  return state.emitter;
}

export function onCaptureStored(listener: (event: CaptureStoredEvent) => void): () => void {
  emitter().on("stored", listener);
  return () => emitter().off("stored", listener);
}

export function emitCaptureStored(event: CaptureStoredEvent): void {
  for (const listener of emitter().listeners("stored")) {
    try {
      (listener as (event: CaptureStoredEvent) => void)(event);
    } catch (error) {
      console.error("A capture listener failed:", error);
    }
  }
}
