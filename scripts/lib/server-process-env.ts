// The environment `npm start` gives the Next.js server process (and the benchmarks that measure it
// the same way). Two memory settings, both overridable from the caller's environment:
//   --max-semi-space-size=4  V8's young generation stays at 4 MB semi-spaces instead of growing to
//                            16 MB: streaming responses (export, images) make short-lived buffers,
//                            and the smaller nursery keeps the resident size flat while they flow.
//   MALLOC_ARENA_MAX=2       glibc gives each thread (libuv's pool, onnxruntime, libvips) its own
//                            malloc arena by default; two arenas keep the native heap compact.
const NODE_FLAGS = ["--max-semi-space-size=4"];

export function serverProcessEnv(base: Record<string, string | undefined>, overrides: { NODE_ENV: "production" | "development" } & Record<string, string>): NodeJS.ProcessEnv {
  const existing = base.NODE_OPTIONS ?? "";
  const flags = NODE_FLAGS.filter((flag) => !existing.includes(flag.split("=")[0]!));
  return {
    NEXT_TELEMETRY_DISABLED: "1",
    MALLOC_ARENA_MAX: "2",
    ...base,
    NODE_OPTIONS: [existing, ...flags].filter(Boolean).join(" "),
    ...overrides,
  };
}
