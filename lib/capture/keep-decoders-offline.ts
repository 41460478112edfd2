// The inference worker fetches an image decoder (JPEG, PNG, WebP WebAssembly) the first time it
// sees that format, and keeps it in its runtime Cache Storage. A volunteer whose first photo is
// taken without a network would then get no prediction, so once the model is ready the page puts
// the decoders into that same cache ahead of time (only those not there yet).
import { CODEC_ASSET_PATHS, RUNTIME_CACHE_NAME } from "@/lib/inference/browser/runtime-assets";

export async function keepImageDecodersOffline(options: { cacheStorage?: CacheStorage; fetch?: typeof fetch; origin?: string } = {}): Promise<string[]> {
  const cacheStorage = options.cacheStorage ?? (typeof caches === "undefined" ? undefined : caches);
  if (!cacheStorage) return [];
  const doFetch = options.fetch ?? fetch;
  const origin = options.origin ?? location.origin;
  const cache = await cacheStorage.open(RUNTIME_CACHE_NAME);
  const added: string[] = [];
  for (const path of Object.values(CODEC_ASSET_PATHS)) {
    const url = new URL(path, origin).href;
    if (await cache.match(url)) continue;
    try {
      const response = await doFetch(url);
      if (!response.ok) continue;
      await cache.put(url, response);
      added.push(path);
    } catch {
      // Offline now: the worker fetches it on first use instead.
    }
  }
  return added;
}
