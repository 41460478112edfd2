// What Linux's /proc says about processes, for the tests and benchmarks that watch a server they
// started: its parent, its descendants, their CPU time and resident size. Returns zeros and empty
// lists for processes that are gone.
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The fields of a /proc/…/stat file after the command name: [0] state, [1] parent pid, [11] user ticks, [12] system ticks. */
function statFields(file: string): string[] {
  const text = readOrEmpty(file);
  return text ? text.slice(text.lastIndexOf(")") + 2).split(" ") : [];
}

const ticksOf = (fields: string[]) => Number(fields[11] ?? 0) + Number(fields[12] ?? 0);

export function parentPid(pid: number): number {
  return Number(statFields(`/proc/${pid}/stat`)[1] ?? 0);
}

/** A process's command line, one entry per argument. */
export function commandLine(pid: number): string[] {
  return readOrEmpty(`/proc/${pid}/cmdline`).split("\0").filter(Boolean);
}

/** A process's environment, one NAME=value entry per variable (readable for one's own processes). */
export function environmentOf(pid: number): string[] {
  return readOrEmpty(`/proc/${pid}/environ`).split("\0").filter(Boolean);
}

/** Every process's pid. */
export function listPids(): number[] {
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).map(Number);
}

/** Pids of a process and all its descendants. */
export function processTree(rootPid: number): number[] {
  const parents = new Map(listPids().map((pid) => [pid, parentPid(pid)]));
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** CPU seconds (user + system) used so far by a process and its descendants. */
export function cpuSecondsOfTree(rootPid: number): number {
  return processTree(rootPid).reduce((sum, pid) => sum + ticksOf(statFields(`/proc/${pid}/stat`)), 0) / TICKS_PER_SECOND;
}

/** CPU seconds (user + system) of one thread of a process (by default its main thread, whose id is the pid). */
export function cpuSecondsOfThread(pid: number, threadId = pid): number {
  return ticksOf(statFields(`/proc/${pid}/task/${threadId}/stat`)) / TICKS_PER_SECOND;
}

/** VmRSS (resident now) or VmHWM (the most it was resident) of a process, in kB. */
export function residentKb(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readOrEmpty(`/proc/${pid}/status`));
  return match ? Number(match[1]) : 0;
}
