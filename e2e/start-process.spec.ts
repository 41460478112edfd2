// The process `npm start` leaves waiting on the server (it forwards Ctrl-C and exits with it) runs
// the build check and the migrations in a child process of its own, so it does not keep the
// database's memory (PGlite's WebAssembly PostgreSQL, Prisma) for as long as the server runs: it
// held 280–390 MB when it migrated in-process, about 100 MB now (tsx's loader and the settings).
import { expect, test } from "@playwright/test";
import { commandLine, environmentOf, listPids, parentPid, residentKb } from "../scripts/lib/proc-stats";

test("npm start's waiting process keeps no database or build in memory", () => {
  test.skip(process.platform !== "linux", "reads the processes from /proc");
  const port = process.env.PARALLAX_E2E_PORT!;
  // The server is the Next.js process serving this run's port (its title is next-server).
  const server = listPids().find((pid) => commandLine(pid)[0]?.startsWith("next-server") && environmentOf(pid).includes(`PORT=${port}`));
  expect(server, "the Next.js server of this test run").toBeDefined();
  const waiting = parentPid(server!);
  expect(commandLine(waiting)).toContain("scripts/start.ts");
  expect(commandLine(waiting)).not.toContain("--prepare");
  expect(residentKb(waiting) / 1024).toBeLessThan(200);
});
