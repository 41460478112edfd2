import { describe, expect, it } from "vitest";
import { openDisplayEventStream } from "./display-event-stream";

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, count: number): Promise<string[]> {
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const events = text.split("\n\n").filter((block) => block.startsWith("event: scene"));
    if (events.length >= count) return events.map((block) => block.split("data: ")[1]!);
    const { value, done } = await reader.read();
    if (done) return events;
    text += decoder.decode(value);
  }
}

describe("openDisplayEventStream", () => {
  it("sends the value at once, again when woken, only changes when polling, and closes on abort", async () => {
    let value = 1;
    let wake = () => {};
    let unsubscribed = false;
    const abort = new AbortController();
    const stream = openDisplayEventStream({
      read: async () => ({ value }),
      subscribe: (callback) => {
        wake = callback;
        return () => (unsubscribed = true);
      },
      signal: abort.signal,
      pollMs: 20,
    });
    const reader = stream.getReader();
    expect(await readUntil(reader, 1)).toEqual(['{"value":1}']);
    value = 2;
    wake();
    expect((await readUntil(reader, 1))[0]).toBe('{"value":2}');
    value = 3; // picked up by the poll
    expect((await readUntil(reader, 1))[0]).toBe('{"value":3}');
    abort.abort();
    expect(unsubscribed).toBe(true);
    expect((await reader.read()).done).toBe(true);
  });
});
