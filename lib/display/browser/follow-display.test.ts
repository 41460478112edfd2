import { describe, expect, it } from "vitest";
import { parseServerSentEvents } from "./follow-display";

describe("parseServerSentEvents", () => {
  it("splits complete events, keeps the unfinished tail, ignores comments and retry lines", () => {
    const events: [string, string][] = [];
    const tail = parseServerSentEvents('retry: 1000\n\nevent: scene\ndata: {"a":1}\n\n: keep-alive\n\nevent: scene\r\ndata: {"b"', (event, data) => events.push([event, data]));
    expect(events).toEqual([["scene", '{"a":1}']]);
    const rest: [string, string][] = [];
    expect(parseServerSentEvents(`${tail}:2}\r\n\r\n`, (event, data) => rest.push([event, data]))).toBe("");
    expect(rest).toEqual([["scene", '{"b":2}']]);
  });
});
