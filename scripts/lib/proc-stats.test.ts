import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { commandLine, cpuSecondsOfThread, cpuSecondsOfTree, environmentOf, listPids, parentPid, processTree, residentKb } from "./proc-stats";

describe.skipIf(process.platform !== "linux")("what /proc says about processes", () => {
  it("finds a child, its parent, its command line and environment, CPU time and resident size", async () => {
    const child = spawn(process.execPath, ["-e", "let x = 0; for (let i = 0; i < 3e7; i++) x += i; setTimeout(() => {}, 10000)"], { env: { ...process.env, PROC_STATS_TEST: "yes" } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(listPids()).toContain(child.pid);
      expect(parentPid(child.pid!)).toBe(process.pid);
      expect(processTree(process.pid)).toContain(child.pid);
      expect(commandLine(child.pid!)[1]).toBe("-e");
      expect(environmentOf(child.pid!)).toContain("PROC_STATS_TEST=yes");
      expect(cpuSecondsOfTree(process.pid)).toBeGreaterThan(cpuSecondsOfThread(child.pid!));
      expect(residentKb(child.pid!)).toBeGreaterThan(1000);
      expect(residentKb(child.pid!, "VmHWM")).toBeGreaterThanOrEqual(residentKb(child.pid!));
    } finally {
      child.kill();
    }
    await new Promise((resolve) => child.once("exit", resolve));
    // A process that is gone reads as nothing.
    expect(processTree(child.pid!)).toEqual([child.pid]);
    expect(residentKb(child.pid!)).toBe(0);
    expect(commandLine(child.pid!)).toEqual([]);
  });
});
