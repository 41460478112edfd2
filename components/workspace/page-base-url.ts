// The public base URL for links a server-rendered page shows (join links, QR codes): PUBLIC_URL
// when configured, else the origin the browser asked for (as publicBaseUrl does for API routes).
import "server-only";
import { headers } from "next/headers";
import { getServerEnv } from "@/lib/env/server-env";

export async function pageBaseUrl(): Promise<string> {
  const configured = getServerEnv().PUBLIC_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const incoming = await headers();
  const host = incoming.get("x-forwarded-host") ?? incoming.get("host") ?? "localhost";
  const proto = incoming.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}`;
}
