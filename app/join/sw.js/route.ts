// /join/sw.js — the volunteer pages' service worker (lib/capture/phone-service-worker.ts), scoped
// to /join/. Revalidated on every registration check so a new version takes over promptly.
import { buildPhoneServiceWorkerSource, PHONE_SERVICE_WORKER_SCOPE } from "@/lib/capture/phone-service-worker";

export const dynamic = "force-static";

export function GET(): Response {
  return new Response(buildPhoneServiceWorkerSource(), {
    headers: {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": "no-cache",
      "Service-Worker-Allowed": PHONE_SERVICE_WORKER_SCOPE,
    },
  });
}
