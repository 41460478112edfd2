// The environment and V8 flags `npm start` gives the Next.js server process (and the tests and
// benchmarks that start it the same way). Three memory settings, all overridable from the caller's
// environment:
//   --max-semi-space-size=4  V8's young generation stays at 4 MB semi-spaces instead of growing to
//                            16 MB: streaming responses (export, images) make short-lived buffers,
//                            and the smaller nursery keeps the resident size flat while they flow.
//   MALLOC_ARENA_MAX=2       glibc gives each thread (libuv's pool, onnxruntime, libvips) its own
//                            malloc arena by default; two arenas keep the native heap compact.
//   MALLOC_MMAP_THRESHOLD_=1048576
//                            blocks of 1 MB and more get their own mapping, returned to the system
//                            when freed. By default glibc raises this threshold to the largest block
//                            freed so far (up to 32 MB; PGlite alone reads a 9 MB file at start), so
//                            later large blocks land in the heap and stay resident once freed: the
//                            idle server held 63 MB of free heap, and measured 277 MB (5 starts,
//                            274–280) by default against 253 MB (236–275) with the fixed threshold.
//                            It stays above the export's 512 KB send pieces, allocated continuously,
//                            which must not each cost a mapping (+45 % server CPU at 128 KB).
// And on the command line (V8 does not take it from NODE_OPTIONS), on machines with two cores or fewer:
//   --single-threaded-gc     V8 collects garbage on the thread that made it instead of with its four
//                            helper threads, which on two cores compete with the server's own
//                            threads (the database's, file I/O) and the phones' requests. Measured
//                            with the ingest benchmark (32 uploading clients, embedded database,
//                            2 cores), the same build with and without it in alternating rounds:
//                            faster in 10 of 10 rounds (median +11 % captures/s), less server CPU
//                            per upload in all 10 (7.2–9.5 against 7.7–11.3 ms). The price is
//                            longer pauses of the main thread (a few ms per collection at the
//                            server's heap size). PARALLAX_SINGLE_THREADED_GC=0 leaves it out, =1
//                            adds it whatever the core count.
import { availableParallelism } from "node:os";

const NODE_FLAGS = ["--max-semi-space-size=4"];

const NEXT_BIN = new URL("../../node_modules/next/dist/bin/next", import.meta.url).pathname;

/**
 * The server process's command line after `node`: its V8 flags, then Next.js with `nextArgs`
 * (`nodeArgs` go before Next.js too, e.g. a profiler's). Throws for a bad PARALLAX_SINGLE_THREADED_GC.
 * `next dev` gets no V8 flags: it starts its server in a child process with its own command line
 * flags moved into NODE_OPTIONS, where V8 refuses --single-threaded-gc and the child never starts.
 */
export function serverProcessArgs(nextArgs: string[], options: { nodeArgs?: string[]; base?: Record<string, string | undefined>; cores?: number } = {}): string[] {
  const v8Flags = serverNodeArgs(options.base, options.cores);
  return [...(nextArgs[0] === "dev" ? [] : v8Flags), ...(options.nodeArgs ?? []), NEXT_BIN, ...nextArgs];
}

/** V8 flags for the server's command line (before the script), for a machine with this many cores. */
export function serverNodeArgs(base: Record<string, string | undefined> = process.env, cores = availableParallelism()): string[] {
  const choice = base.PARALLAX_SINGLE_THREADED_GC ?? "";
  if (!["", "0", "1"].includes(choice)) throw new Error(`PARALLAX_SINGLE_THREADED_GC must be 0, 1 or empty (it is "${choice.slice(0, 40)}").`);
  const singleThreadedGc = choice === "1" || (choice !== "0" && cores <= 2);
  return singleThreadedGc ? ["--single-threaded-gc"] : [];
}

export function serverProcessEnv(base: Record<string, string | undefined>, overrides: { NODE_ENV: "production" | "development" } & Record<string, string>): NodeJS.ProcessEnv {
  const existing = base.NODE_OPTIONS ?? "";
  const flags = NODE_FLAGS.filter((flag) => !existing.includes(flag.split("=")[0]!));
  return {
    NEXT_TELEMETRY_DISABLED: "1",
    MALLOC_ARENA_MAX: "2",
    MALLOC_MMAP_THRESHOLD_: String(1024 * 1024),
    ...base,
    NODE_OPTIONS: [existing, ...flags].filter(Boolean).join(" "),
    ...overrides,
  };
}
