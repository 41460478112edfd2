"use client";
// Registers the volunteer pages' service worker (production builds only) and hands it the files
// this page already loaded, so the page opens again offline from the very first visit.
import { useEffect } from "react";
import { PHONE_SERVICE_WORKER_PATH, PHONE_SERVICE_WORKER_SCOPE } from "@/lib/capture/phone-service-worker";

function loadedSameOriginFiles(): string[] {
  const urls = new Set<string>([location.href]);
  for (const entry of performance.getEntriesByType("resource")) {
    if (entry.name.startsWith(location.origin)) urls.add(entry.name);
  }
  return [...urls];
}

export function RegisterPhoneWorker() {
  useEffect(() => {
    if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
    let cancelled = false;
    navigator.serviceWorker
      .register(PHONE_SERVICE_WORKER_PATH, { scope: PHONE_SERVICE_WORKER_SCOPE })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        if (!cancelled) registration.active?.postMessage({ type: "cache-urls", urls: loadedSameOriginFiles() });
      })
      .catch(() => {
        // Without a service worker the page still works online; only offline reopening is lost.
      });
    return () => {
      cancelled = true;
    };
  }, []);
  return null;
}
