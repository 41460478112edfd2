// Facts about the request that several endpoints need: the client's IP address (for rate limits)
// and the public base URL (for join links).
export function getClientIp(request: Request): string {
  // Next.js sets X-Forwarded-For to the socket's address unless a proxy (or the client) already did.
  const forwarded = request.headers.get("x-forwarded-for");
  const first = forwarded?.split(",")[0]?.trim();
  return first || request.headers.get("x-real-ip") || "unknown";
}

/** PUBLIC_URL when configured, else the origin the request was addressed to. */
export function publicBaseUrl(request: Request, configured?: string): string {
  if (configured) return configured.replace(/\/+$/, "");
  const url = new URL(request.url);
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? url.host;
  const proto = request.headers.get("x-forwarded-proto") ?? url.protocol.replace(/:$/, "");
  return `${proto}://${host}`;
}
