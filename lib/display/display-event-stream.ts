// A server-sent-event stream of one changing JSON value: sends it at once, again whenever `wake` is
// called (coalesced: at most one read in flight), re-reads it every `pollMs` in case another server
// process changed it (sent only when it differs), and a comment line every `heartbeatMs` so proxies
// keep the connection. Closes when the request is aborted. Framework-free.
const encoder = new TextEncoder();

export function formatServerSentEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function openDisplayEventStream(options: {
  read: () => Promise<unknown>;
  subscribe: (wake: () => void) => () => void;
  signal: AbortSignal;
  pollMs?: number;
  heartbeatMs?: number;
}): ReadableStream<Uint8Array> {
  let unsubscribe = () => {};
  let poll: ReturnType<typeof setInterval> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  const close = (controller?: ReadableStreamDefaultController<Uint8Array>) => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(poll);
    clearInterval(heartbeat);
    try {
      controller?.close();
    } catch {
      // already closed by the reader
    }
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let last = "";
      let running = false;
      let again = false;
      const send = async (force: boolean) => {
        if (closed) return;
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            const value = JSON.stringify(await options.read());
            if (closed) return;
            if (force || value !== last) {
              last = value;
              controller.enqueue(encoder.encode(`event: scene\ndata: ${value}\n\n`));
            }
          } while (again && !closed);
        } catch {
          // A failed read (database restarting): the next poll tries again.
        } finally {
          running = false;
        }
      };
      controller.enqueue(encoder.encode("retry: 1000\n\n"));
      void send(true);
      unsubscribe = options.subscribe(() => void send(true));
      poll = setInterval(() => void send(false), options.pollMs ?? 2000);
      heartbeat = setInterval(() => {
        try {
          if (!closed) controller.enqueue(encoder.encode(": keep-alive\n\n"));
        } catch {
          close();
        }
      }, options.heartbeatMs ?? 15_000);
      options.signal.addEventListener("abort", () => close(controller), { once: true });
    },
    cancel() {
      close();
    },
  });
}
