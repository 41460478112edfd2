import { describe, expect, it } from "vitest";
import { ApiRequestError, createParallaxClient, type FetchLike } from "./parallax-client";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

const refused = () => Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
const reset = () => Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNRESET" } });

function scripted(answers: (() => Response)[]) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    const next = answers.shift();
    if (!next) throw new Error("no more answers");
    return next();
  };
  return { fetch, calls };
}

const retry = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

describe("createParallaxClient", () => {
  it("sends bearer tokens and JSON, and retries 5xx, 429 and dropped connections", async () => {
    const { fetch, calls } = scripted([
      () => json(503, { error: { code: "unavailable", message: "busy" } }),
      () => {
        throw reset();
      },
      () => json(429, { error: { code: "rate_limited", message: "slow down" } }, { "retry-after": "0" }),
      () => json(200, { ok: true }),
    ]);
    const retries: string[] = [];
    const client = createParallaxClient({ serverUrl: "http://server/", fetch, retry, onRetry: ({ reason }) => retries.push(reason) });
    expect(await client.request("/api/v1/things", { token: "secret", json: { a: 1 } })).toEqual({ ok: true });
    expect(calls).toHaveLength(4);
    expect(calls[0]!.url).toBe("http://server/api/v1/things");
    expect(calls[0]!.init?.method).toBe("POST");
    expect((calls[0]!.init?.headers as Record<string, string>).authorization).toBe("Bearer secret");
    expect(calls[0]!.init?.body).toBe('{"a":1}');
    expect(retries).toEqual(["503", "fetch failed", "429"]);
  });

  it("turns error answers into ApiRequestError without retrying 4xx", async () => {
    const { fetch, calls } = scripted([() => json(404, { error: { code: "not_found", message: "No such study.", details: { id: "x" } } })]);
    const client = createParallaxClient({ serverUrl: "http://server", fetch, retry });
    const error = await client.request("/api/v1/studies/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ status: 404, code: "not_found", message: "No such study.", details: { id: "x" } });
    expect(calls).toHaveLength(1);
  });

  it("gives up after the last attempt", async () => {
    const { fetch, calls } = scripted(Array.from({ length: 4 }, () => () => json(503, {})));
    const client = createParallaxClient({ serverUrl: "http://server", fetch, retry });
    await expect(client.request("/x")).rejects.toMatchObject({ status: 503 });
    expect(calls).toHaveLength(4);
  });

  it("retries a request that is not idempotent only when the connection was refused or it was rate-limited", async () => {
    const first = scripted([
      () => {
        throw refused();
      },
      () => json(201, { id: "d1" }),
    ]);
    const client = createParallaxClient({ serverUrl: "http://server", fetch: first.fetch, retry });
    expect(await client.request("/join", { json: {}, idempotent: false })).toEqual({ id: "d1" });
    expect(first.calls).toHaveLength(2);

    const limited = scripted([() => json(429, {}, { "retry-after": "0" }), () => json(201, { id: "d3" })]);
    const patient = createParallaxClient({ serverUrl: "http://server", fetch: limited.fetch, retry });
    expect(await patient.request("/join", { json: {}, idempotent: false })).toEqual({ id: "d3" });

    const second = scripted([() => json(503, {}), () => json(201, { id: "d2" })]);
    const strict = createParallaxClient({ serverUrl: "http://server", fetch: second.fetch, retry });
    await expect(strict.request("/join", { json: {}, idempotent: false })).rejects.toMatchObject({ status: 503 });
    expect(second.calls).toHaveLength(1);

    const third = scripted([
      () => {
        throw reset();
      },
    ]);
    const dropped = createParallaxClient({ serverUrl: "http://server", fetch: third.fetch, retry });
    await expect(dropped.request("/join", { json: {}, idempotent: false })).rejects.toThrow(/fetch failed/);
    expect(third.calls).toHaveLength(1);
  });

  it("builds a fresh body for each attempt when given a factory", async () => {
    const { fetch, calls } = scripted([() => json(502, {}), () => json(200, {})]);
    let made = 0;
    const client = createParallaxClient({ serverUrl: "http://server", fetch, retry });
    await client.request("/upload", { body: () => `body-${++made}` });
    expect(calls.map((call) => call.init?.body)).toEqual(["body-1", "body-2"]);
  });
});
