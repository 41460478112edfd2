// Capture uploads in flight in this process, so that background work (reference inference) can
// give them the CPU while a burst of phones is uploading. Kept on globalThis: every bundle Next.js
// builds (route handlers, instrumentation) must see the same count.
type UploadActivity = { inFlight: number };
const state: UploadActivity = ((globalThis as { __parallaxUploadActivity?: UploadActivity }).__parallaxUploadActivity ??= { inFlight: 0 });

/** Count an upload as in flight until the returned function is called (once; later calls do nothing). */
export function trackUpload(): () => void {
  state.inFlight += 1;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    state.inFlight -= 1;
  };
}

export function uploadsInFlight(): number {
  return state.inFlight;
}
