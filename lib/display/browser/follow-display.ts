// A joined phone follows the scene its study's monitor shows: server-sent events read with fetch
// (the device token goes in the Authorization header, which EventSource cannot send), and polling
// GET /display every POLL_MS while the stream is unavailable (old browsers, proxies that buffer,
// flaky networks); the stream is retried now and then. Browser only.
import "client-only";
import { followedSceneSchema, type FollowedScene } from "@/lib/display/display-schemas";

const POLL_MS = 1500;
const STREAM_RETRY_MS = 15_000;

/** Splits an SSE byte stream into events (name, data); returns the unfinished tail. */
export function parseServerSentEvents(buffer: string, onEvent: (event: string, data: string) => void): string {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const tail = blocks.pop() ?? "";
  for (const block of blocks) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length) onEvent(event, data.join("\n"));
  }
  return tail;
}

export function followDisplayScene(options: { studyId: string; token: string; onScene: (scene: FollowedScene) => void }): () => void {
  const base = `/api/v1/studies/${encodeURIComponent(options.studyId)}/display`;
  const headers = { Authorization: `Bearer ${options.token}` };
  let stopped = false;
  let controller: AbortController | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let lastStreamTry = 0;

  const deliver = (value: unknown) => {
    const parsed = followedSceneSchema.safeParse(value);
    if (parsed.success && !stopped) options.onScene(parsed.data);
  };

  async function stream(): Promise<void> {
    lastStreamTry = Date.now();
    controller = new AbortController();
    const response = await fetch(`${base}/events`, { headers: { ...headers, Accept: "text/event-stream" }, signal: controller.signal, cache: "no-store" });
    if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done || stopped) return;
      buffer = parseServerSentEvents(buffer + value, (event, data) => {
        if (event === "scene") deliver(JSON.parse(data));
      });
    }
  }

  async function poll(): Promise<void> {
    if (stopped) return;
    try {
      const response = await fetch(base, { headers, cache: "no-store" });
      if (response.ok) deliver(await response.json());
    } catch {
      // offline: try again
    }
    if (stopped) return;
    if (Date.now() - lastStreamTry > STREAM_RETRY_MS) {
      void run();
      return;
    }
    pollTimer = setTimeout(() => void poll(), POLL_MS);
  }

  async function run(): Promise<void> {
    try {
      await stream();
    } catch {
      // fall back to polling below
    }
    if (!stopped) void poll();
  }

  void run();
  return () => {
    stopped = true;
    controller?.abort();
    clearTimeout(pollTimer);
  };
}
