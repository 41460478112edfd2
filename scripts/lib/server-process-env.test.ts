import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { serverNodeArgs, serverProcessArgs, serverProcessEnv } from "./server-process-env";

describe("the server process's environment", () => {
  it("adds the memory settings to what the caller has, and the caller's overrides win", () => {
    const env = serverProcessEnv({ NODE_OPTIONS: "--require ./x.cjs", PATH: "/bin" }, { NODE_ENV: "production" });
    expect(env.NODE_OPTIONS).toBe("--require ./x.cjs --max-semi-space-size=4");
    expect(env.MALLOC_ARENA_MAX).toBe("2");
    expect(env.MALLOC_MMAP_THRESHOLD_).toBe("1048576");
    expect(env.NEXT_TELEMETRY_DISABLED).toBe("1");
    expect(env.PATH).toBe("/bin");
    expect(env.NODE_ENV).toBe("production");
  });

  it("keeps a setting the caller chose instead of adding a second one", () => {
    const env = serverProcessEnv({ NODE_OPTIONS: "--max-semi-space-size=16", MALLOC_ARENA_MAX: "8", MALLOC_MMAP_THRESHOLD_: "131072" }, { NODE_ENV: "production" });
    expect(env.NODE_OPTIONS).toBe("--max-semi-space-size=16");
    expect(env.MALLOC_ARENA_MAX).toBe("8");
    expect(env.MALLOC_MMAP_THRESHOLD_).toBe("131072");
  });

  it("collects garbage on one thread on two cores or fewer, unless told otherwise", () => {
    expect(serverNodeArgs({}, 1)).toEqual(["--single-threaded-gc"]);
    expect(serverNodeArgs({}, 2)).toEqual(["--single-threaded-gc"]);
    expect(serverNodeArgs({}, 4)).toEqual([]);
    expect(serverNodeArgs({ PARALLAX_SINGLE_THREADED_GC: "0" }, 2)).toEqual([]);
    expect(serverNodeArgs({ PARALLAX_SINGLE_THREADED_GC: "1" }, 16)).toEqual(["--single-threaded-gc"]);
    expect(serverNodeArgs({ PARALLAX_SINGLE_THREADED_GC: "" }, 2)).toEqual(["--single-threaded-gc"]);
    expect(() => serverNodeArgs({ PARALLAX_SINGLE_THREADED_GC: "yes" }, 2)).toThrow(/PARALLAX_SINGLE_THREADED_GC must be 0, 1 or empty/);
  });

  it("builds the command line: V8 flags, the caller's node arguments, Next.js and its arguments", () => {
    const args = serverProcessArgs(["start", "-p", "3000"], { nodeArgs: ["--cpu-prof"], base: {}, cores: 2 });
    expect(args[0]).toBe("--single-threaded-gc");
    expect(args[1]).toBe("--cpu-prof");
    expect(args[2]).toMatch(/node_modules\/next\/dist\/bin\/next$/);
    expect(existsSync(args[2]!)).toBe(true);
    expect(args.slice(3)).toEqual(["start", "-p", "3000"]);
    expect(serverProcessArgs(["start"], { base: {}, cores: 8 })).toHaveLength(2);
    // next dev moves its flags into its server's NODE_OPTIONS, where V8 refuses this one.
    expect(serverProcessArgs(["dev", "-p", "3000"], { base: { PARALLAX_SINGLE_THREADED_GC: "1" }, cores: 2 })).not.toContain("--single-threaded-gc");
    expect(() => serverProcessArgs(["dev"], { base: { PARALLAX_SINGLE_THREADED_GC: "yes" } })).toThrow(/PARALLAX_SINGLE_THREADED_GC/);
  });
});
