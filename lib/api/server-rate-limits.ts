// The server's rate limits, configured from the environment (RATE_LIMIT_*_PER_MINUTE, 0 = off).
import "server-only";
import { getServerEnv } from "@/lib/env/server-env";
import { enforceRateLimit, RateLimiter } from "./rate-limit";
import { getClientIp } from "./request-context";

type Limiters = { device: RateLimiter; ip: RateLimiter; join: RateLimiter; signIn: RateLimiter };

/** Sign-in attempts per client IP and minute (each costs a memory-hard hash). */
const SIGN_IN_PER_MINUTE = 20;
const state: { limiters?: Limiters } = ((globalThis as { __parallaxRateLimits?: { limiters?: Limiters } }).__parallaxRateLimits ??= {});

function limiters(): Limiters {
  if (!state.limiters) {
    const env = getServerEnv();
    state.limiters = {
      device: new RateLimiter(env.RATE_LIMIT_DEVICE_PER_MINUTE),
      ip: new RateLimiter(env.RATE_LIMIT_IP_PER_MINUTE),
      join: new RateLimiter(env.RATE_LIMIT_JOIN_PER_MINUTE),
      signIn: new RateLimiter(SIGN_IN_PER_MINUTE),
    };
  }
  return state.limiters;
}

/** Per client IP: every request that a volunteer's phone (or anyone unauthenticated) makes. */
export function limitClientIp(request: Request): void {
  enforceRateLimit(limiters().ip, getClientIp(request), "network address");
}

export function limitJoin(request: Request): void {
  enforceRateLimit(limiters().join, getClientIp(request), "network address");
}

export function limitDevice(deviceId: string): void {
  enforceRateLimit(limiters().device, deviceId, "device");
}

export function limitSignIn(request: Request): void {
  enforceRateLimit(limiters().signIn, getClientIp(request), "network address");
}
