// An HTTP proxy that injects the faults a phone on a bad network meets: connections dropped before
// the server saw the request, dropped after it answered (the client never learns its upload was
// stored), 503s before and after the server handled the request, and uploads cut off half way.
// Decisions come from a seeded generator, so a run is reproducible.
import http from "node:http";

export type Fault = "none" | "drop-before" | "503-before" | "drop-after" | "503-after" | "cut-upload" | "server-down";

export const FAULT_PROBABILITIES: Array<[Fault, number]> = [
  ["drop-before", 0.07],
  ["503-before", 0.07],
  ["drop-after", 0.07],
  ["503-after", 0.06],
  ["cut-upload", 0.05],
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultProxy = { port: number; counts: Record<Fault, number>; close(): Promise<void> };

export async function startFaultProxy(options: { target: () => number; seed: number; listenPort: number }): Promise<FaultProxy> {
  const random = mulberry32(options.seed);
  const counts: Record<Fault, number> = { none: 0, "drop-before": 0, "503-before": 0, "drop-after": 0, "503-after": 0, "cut-upload": 0, "server-down": 0 };
  const unavailable = (res: http.ServerResponse) => {
    res.writeHead(503, { "content-type": "application/json", "retry-after": "0" });
    res.end(JSON.stringify({ error: { code: "unavailable", message: "injected by the fault proxy" } }));
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const isUpload = req.method === "POST" && req.url === "/api/v1/captures";
    let fault: Fault = "none";
    if (isUpload) {
      let roll = random();
      for (const [candidate, probability] of FAULT_PROBABILITIES) {
        if (roll < probability) {
          fault = candidate;
          break;
        }
        roll -= probability;
      }
    }
    if (fault === "drop-before") {
      counts[fault] += 1;
      req.socket.destroy();
      return;
    }
    if (fault === "503-before") {
      counts[fault] += 1;
      unavailable(res);
      return;
    }
    const upstream = http.request({ host: "127.0.0.1", port: options.target(), method: req.method, path: req.url, headers: { ...req.headers, "content-length": String(body.length) } });
    upstream.on("error", () => {
      if (fault === "cut-upload") return;
      counts["server-down"] += 1;
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "unavailable", message: "the server is down" } }));
      } else res.destroy();
    });
    if (fault === "cut-upload") {
      counts[fault] += 1;
      upstream.write(body.subarray(0, Math.floor(body.length / 2)), () => {
        setTimeout(() => {
          upstream.destroy();
          req.socket.destroy();
        }, 20);
      });
      return;
    }
    upstream.end(body);
    upstream.on("response", async (answer) => {
      const parts: Buffer[] = [];
      try {
        for await (const chunk of answer) parts.push(chunk as Buffer);
      } catch {
        res.destroy();
        return;
      }
      counts[fault] += 1;
      if (fault === "drop-after") {
        req.socket.destroy();
        return;
      }
      if (fault === "503-after") {
        unavailable(res);
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.end(Buffer.concat(parts));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.listenPort, "127.0.0.1", resolve));
  return {
    port: options.listenPort,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
