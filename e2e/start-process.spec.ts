// The process `npm start` leaves waiting on the server (it forwards Ctrl-C and exits with it) runs
// the build check and the migrations in a child process of its own, so it does not keep the
// database's memory (PGlite's WebAssembly PostgreSQL, Prisma) for as long as the server runs: it
// held 280–390 MB when it migrated in-process, about 100 MB now (tsx's loader and the settings).
import { readdirSync, readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";

const readProc = (pid: number, file: string): string => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return "";
  }
};

function parentOf(pid: number): number {
  const stat = readProc(pid, "stat");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

function residentMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readProc(pid, "status"));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

test("npm start's waiting process keeps no database or build in memory", () => {
  test.skip(process.platform !== "linux", "reads the processes from /proc");
  const port = process.env.PARALLAX_E2E_PORT!;
  const pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).map(Number);
  // The server is the Next.js process serving this run's port (its title is next-server).
  const server = pids.find((pid) => readProc(pid, "cmdline").startsWith("next-server") && readProc(pid, "environ").split("\0").includes(`PORT=${port}`));
  expect(server, "the Next.js server of this test run").toBeDefined();
  const waiting = parentOf(server!);
  expect(readProc(waiting, "cmdline").split("\0")).toContain("scripts/start.ts");
  expect(readProc(waiting, "cmdline").split("\0")).not.toContain("--prepare");
  expect(residentMb(waiting)).toBeLessThan(200);
});
