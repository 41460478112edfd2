// The service worker of the volunteer pages (served at /join/sw.js, scope /join/), as source
// text. It makes the capture page open again without a network (a reload in a dead zone, a tab
// reopened on the train) so the outbox can keep its photos moving once the network returns:
//   - page navigations under /join/: network first, the last good copy when offline or when the
//     network takes longer than NAVIGATION_TIMEOUT_MS (a flaky network must not hold the page);
//   - the app's immutable, content-hashed files (/_next/static/, /ort/<version>/*.mjs): cache first;
//   - everything else (the API, uploads, the model and runtime WebAssembly, which the inference
//     worker keeps in its own Cache Storage) passes through untouched. The model arrives as
//     /m/<sha256>.onnx.gz (or .onnx); the worker stores it decompressed and verified under the
//     .onnx URL, so an offline reload finds it there and never asks for either URL.
// Plain JavaScript (it is served as is); lib/capture/phone-service-worker.test.ts runs it.

export const PHONE_SERVICE_WORKER_PATH = "/join/sw.js";
export const PHONE_SERVICE_WORKER_SCOPE = "/join/";
export const PHONE_CACHE_VERSION = "parallax-phone-v1";

export function buildPhoneServiceWorkerSource(options: { version?: string; navigationTimeoutMs?: number } = {}): string {
  const config = JSON.stringify({ version: options.version ?? PHONE_CACHE_VERSION, navigationTimeoutMs: options.navigationTimeoutMs ?? 4000 });
  return `"use strict";
const CONFIG = ${config};
const PAGES = CONFIG.version + "-pages";
const ASSETS = CONFIG.version + "-assets";

function isImmutableAsset(url) {
  return url.pathname.startsWith("/_next/static/") || (/^\\/ort\\/[^/]+\\/[^/]+\\.mjs$/.test(url.pathname));
}

function isVolunteerPage(url) {
  return url.pathname.startsWith("/join/") && url.pathname !== "/join/sw.js";
}

function pageKey(url) {
  return new URL(url.pathname, url.origin).href;
}

async function cacheFirst(request) {
  const cache = await caches.open(ASSETS);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone()).catch(() => {});
  return response;
}

async function networkFirst(request, url) {
  const cache = await caches.open(PAGES);
  const key = pageKey(url);
  const fromNetwork = fetch(request).then(async (response) => {
    if (response.ok && response.type === "basic") await cache.put(key, response.clone()).catch(() => {});
    return response;
  });
  fromNetwork.catch(() => {});
  const cached = await cache.match(key, { ignoreVary: true });
  if (!cached) {
    try {
      return await fromNetwork;
    } catch (error) {
      return new Response("<!doctype html><meta name=viewport content='width=device-width'><title>Offline</title><p style='font:16px system-ui;padding:16px'>You are offline and this page was not saved on this phone yet. Photos you took are kept; open this page again when you have a network.</p>", { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } });
    }
  }
  let timer;
  const slow = new Promise((resolve) => { timer = setTimeout(() => resolve(cached), CONFIG.navigationTimeoutMs); });
  try {
    return await Promise.race([fromNetwork, slow]);
  } catch (error) {
    return cached;
  } finally {
    clearTimeout(timer);
  }
}

async function cacheUrls(urls) {
  const assets = await caches.open(ASSETS);
  const pages = await caches.open(PAGES);
  for (const href of urls) {
    let url;
    try { url = new URL(href, self.location.origin); } catch (error) { continue; }
    if (url.origin !== self.location.origin) continue;
    try {
      if (isImmutableAsset(url)) {
        if (!(await assets.match(url.href))) await assets.add(url.href);
      } else if (isVolunteerPage(url) && !(await pages.match(pageKey(url)))) {
        const response = await fetch(url.href, { credentials: "same-origin" });
        if (response.ok) await pages.put(pageKey(url), response);
      }
    } catch (error) {
      // A file that cannot be fetched now is fetched (and kept) the next time it is used.
    }
  }
}

self.addEventListener("install", () => { self.skipWaiting(); });

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("parallax-phone-") && name !== PAGES && name !== ASSETS) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const data = event.data;
  if (data && data.type === "cache-urls" && Array.isArray(data.urls)) event.waitUntil(cacheUrls(data.urls.filter((u) => typeof u === "string").slice(0, 200)));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate" && isVolunteerPage(url)) {
    event.respondWith(networkFirst(request, url));
  } else if (isImmutableAsset(url)) {
    event.respondWith(cacheFirst(request));
  }
});
`;
}
