import { describe, expect, it } from "vitest";
import { buildPhoneServiceWorkerSource } from "./phone-service-worker";

const ORIGIN = "https://parallax.test";

/** A minimal Cache Storage: keys are URLs (search kept), values cloned on the way out. */
function createCaches() {
  const stores = new Map<string, Map<string, Response>>();
  const open = async (name: string) => {
    if (!stores.has(name)) stores.set(name, new Map());
    const store = stores.get(name)!;
    const keyOf = (request: Request | string) => (typeof request === "string" ? new URL(request, ORIGIN).href : request.url);
    return {
      match: async (request: Request | string) => store.get(keyOf(request))?.clone(),
      put: async (request: Request | string, response: Response) => void store.set(keyOf(request), response),
      add: async (url: string) => void store.set(keyOf(url), await globalFetch(url)),
    };
  };
  let globalFetch: (url: string) => Promise<Response> = async () => new Response("");
  return {
    stores,
    setFetch(fetchImpl: (url: string) => Promise<Response>) {
      globalFetch = fetchImpl;
    },
    api: { open, keys: async () => [...stores.keys()], delete: async (name: string) => stores.delete(name) },
  };
}

type Handler = (event: Record<string, unknown>) => void;

function startWorker(network: (request: Request) => Promise<Response>, options: { navigationTimeoutMs?: number } = {}) {
  const listeners = new Map<string, Handler>();
  const caches = createCaches();
  const basic = async (request: Request) => {
    const response = await network(request);
    Object.defineProperty(response, "type", { value: "basic" });
    return response;
  };
  const fetchImpl = (input: Request | string, init?: RequestInit) => basic(typeof input === "string" ? new Request(new URL(input, ORIGIN), init) : input);
  caches.setFetch((url) => fetchImpl(url));
  const self = {
    location: new URL(`${ORIGIN}/join/sw.js`),
    addEventListener: (type: string, handler: Handler) => listeners.set(type, handler),
    skipWaiting: () => {},
    clients: { claim: async () => {} },
  };
  new Function("self", "caches", "fetch", buildPhoneServiceWorkerSource(options))(self, caches.api, fetchImpl);

  async function request(path: string, init: { mode?: string; method?: string } = {}): Promise<Response | undefined> {
    const req = new Request(`${ORIGIN}${path}`, { method: init.method ?? "GET" });
    Object.defineProperty(req, "mode", { value: init.mode ?? "cors" });
    let responded: Promise<Response> | undefined;
    listeners.get("fetch")!({ request: req, respondWith: (r: Promise<Response>) => (responded = r) });
    return responded;
  }
  async function message(data: unknown) {
    let work: Promise<unknown> = Promise.resolve();
    listeners.get("message")!({ data, waitUntil: (p: Promise<unknown>) => (work = p) });
    await work;
  }
  return { request, message, caches };
}

describe("the volunteer pages' service worker", () => {
  it("serves the last good copy of a volunteer page when the network is gone", async () => {
    let online = true;
    const worker = startWorker(async (req) => {
      if (!online) throw new TypeError("Failed to fetch");
      return new Response(`page ${new URL(req.url).pathname}`, { headers: { "Cross-Origin-Embedder-Policy": "require-corp" } });
    });
    expect(await (await worker.request("/join/ABC", { mode: "navigate" }))!.text()).toBe("page /join/ABC");
    online = false;
    const offline = (await worker.request("/join/ABC?from=qr", { mode: "navigate" }))!;
    expect(await offline.text()).toBe("page /join/ABC");
    expect(offline.headers.get("Cross-Origin-Embedder-Policy")).toBe("require-corp");
  });

  it("answers a never-seen page offline with a short explanation, not a browser error", async () => {
    const worker = startWorker(async () => {
      throw new TypeError("Failed to fetch");
    });
    const response = (await worker.request("/join/NEW", { mode: "navigate" }))!;
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("Photos you took are kept");
  });

  it("does not let a hanging network hold the page when a copy exists", async () => {
    let hang = false;
    const worker = startWorker(async () => (hang ? new Promise<Response>(() => {}) : new Response("fresh")), { navigationTimeoutMs: 20 });
    await worker.request("/join/ABC", { mode: "navigate" });
    hang = true;
    expect(await (await worker.request("/join/ABC", { mode: "navigate" }))!.text()).toBe("fresh");
  });

  it("keeps immutable app files after first use and serves them without the network", async () => {
    let calls = 0;
    const worker = startWorker(async () => {
      calls += 1;
      if (calls > 1) throw new TypeError("offline");
      return new Response("chunk");
    });
    expect(await (await worker.request("/_next/static/chunks/app.js"))!.text()).toBe("chunk");
    expect(await (await worker.request("/_next/static/chunks/app.js"))!.text()).toBe("chunk");
    expect(calls).toBe(1);
  });

  it("never touches uploads, API calls or other pages", async () => {
    const worker = startWorker(async () => new Response("x"));
    expect(await worker.request("/api/v1/captures", { method: "POST" })).toBeUndefined();
    expect(await worker.request("/api/v1/devices/me")).toBeUndefined();
    // Models: the inference worker keeps the verified, decompressed bytes itself; a second copy of the gzip would waste space.
    expect(await worker.request("/m/abc.onnx")).toBeUndefined();
    expect(await worker.request("/m/abc.onnx.gz")).toBeUndefined();
    expect(await worker.request("/ort/1.30.0/ort-wasm-simd-threaded.wasm")).toBeUndefined();
    expect(await worker.request("/signin", { mode: "navigate" })).toBeUndefined();
    expect(await worker.request("/ort/1.30.0/ort.wasm.min.mjs")).toBeDefined();
  });

  it("saves the files a page already loaded when the page asks", async () => {
    const worker = startWorker(async (req) => new Response(`body of ${new URL(req.url).pathname}`));
    await worker.message({
      type: "cache-urls",
      urls: [`${ORIGIN}/join/ABC`, `${ORIGIN}/_next/static/chunks/a.js`, "https://elsewhere.test/x.js", `${ORIGIN}/api/v1/devices/me`, `${ORIGIN}/m/${"a".repeat(64)}.onnx.gz`],
    });
    const assets = [...worker.caches.stores.entries()].flatMap(([name, store]) => [...store.keys()].map((key) => `${name.replace(/^parallax-phone-v1-/, "")} ${key}`));
    expect(assets.sort()).toEqual([`assets ${ORIGIN}/_next/static/chunks/a.js`, `pages ${ORIGIN}/join/ABC`]);
  });
});
