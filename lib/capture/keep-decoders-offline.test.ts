import { describe, expect, it } from "vitest";
import { CODEC_ASSET_PATHS, RUNTIME_CACHE_NAME } from "@/lib/inference/browser/runtime-assets";
import { keepImageDecodersOffline } from "./keep-decoders-offline";

function createCacheStorage() {
  const buckets = new Map<string, Map<string, Response>>();
  const storage = {
    open: async (name: string) => {
      if (!buckets.has(name)) buckets.set(name, new Map());
      const bucket = buckets.get(name)!;
      return { match: async (url: string) => bucket.get(url), put: async (url: string, response: Response) => void bucket.set(url, response) };
    },
  };
  return { buckets, storage: storage as unknown as CacheStorage };
}

describe("keepImageDecodersOffline", () => {
  it("puts every decoder the worker may need into the worker's runtime cache, once", async () => {
    const { buckets, storage } = createCacheStorage();
    const fetched: string[] = [];
    const fetchImpl = (async (url: string) => {
      fetched.push(url);
      return new Response(new Uint8Array([0, 0x61, 0x73, 0x6d]));
    }) as unknown as typeof fetch;
    const added = await keepImageDecodersOffline({ cacheStorage: storage, fetch: fetchImpl, origin: "https://p.test" });
    expect(added.sort()).toEqual(Object.values(CODEC_ASSET_PATHS).sort());
    expect([...buckets.get(RUNTIME_CACHE_NAME)!.keys()].sort()).toEqual(Object.values(CODEC_ASSET_PATHS).map((p) => `https://p.test${p}`).sort());
    expect(await keepImageDecodersOffline({ cacheStorage: storage, fetch: fetchImpl, origin: "https://p.test" })).toEqual([]);
    expect(fetched).toHaveLength(Object.keys(CODEC_ASSET_PATHS).length);
  });

  it("gives up quietly without a network", async () => {
    const { storage } = createCacheStorage();
    const offline = (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    expect(await keepImageDecodersOffline({ cacheStorage: storage, fetch: offline, origin: "https://p.test" })).toEqual([]);
  });
});
