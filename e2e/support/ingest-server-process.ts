// Starts the built app (`next start`, the dist dir the Playwright web server built) as a separate
// process group with its own DATA_DIR and port, so a test can kill -9 it and start it again.
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../../scripts/lib/free-port";
import { serverProcessArgs, serverProcessEnv } from "../../scripts/lib/server-process-env";

export { freePort };

export type ServerProcess = { port: number; url: string; child: ChildProcess; output: string[]; kill9(): Promise<void>; stop(): Promise<void> };

export async function startServerProcess(options: { dataDir: string; port: number; env?: Record<string, string> }): Promise<ServerProcess> {
  const output: string[] = [];
  const child = spawn(process.execPath, serverProcessArgs(["start", "-p", String(options.port), "-H", "127.0.0.1"]), {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    // npm start's process settings (scripts/lib/server-process-env.ts).
    env: serverProcessEnv(process.env, {
      NODE_ENV: "production",
      DATA_DIR: options.dataDir,
      DATABASE_URL: "",
      PORT: String(options.port),
      ...options.env,
    }),
  });
  child.stdout!.on("data", (chunk) => output.push(String(chunk)));
  child.stderr!.on("data", (chunk) => output.push(String(chunk)));
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output.join("")}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not become healthy:\n${output.join("")}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  return {
    port: options.port,
    url,
    child,
    output,
    async kill9() {
      signalGroup("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup("SIGTERM");
      const timer = setTimeout(() => signalGroup("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
