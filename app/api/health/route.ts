import { describeServerHealth } from "@/lib/server/describe-server-health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await describeServerHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
