// What a virtual phone tells the server, in the same shapes a real phone's page and browser use:
// the device info sent when joining (User-Agent, UA Client Hints high-entropy values, cores,
// screen, the runtime that really ran), the request headers its browser would add (User-Agent and
// the low-entropy Sec-CH-UA headers of Chromium browsers), and the device-model key the server
// will derive. Honest about being simulated: no WebGPU adapter is claimed and the runtime is
// onnxruntime-node. Pure.
import { deriveDeviceModelKey } from "@/lib/devices/derive-device-model-key";
import type { DeviceInfo } from "@/lib/devices/device-info";
import type { DeviceIdentity } from "./device-identities";

export const SIMULATED_RUNTIME_BUNDLE = "parallax-simulator (onnxruntime-node, CPU)";

export function describeVirtualDeviceInfo(identity: DeviceIdentity, runtime: { ortVersion?: string } = {}): DeviceInfo {
  return {
    userAgent: identity.userAgent,
    ...(identity.clientHints
      ? {
          clientHints: {
            brands: identity.clientHints.brands,
            fullVersionList: identity.clientHints.fullVersionList,
            mobile: identity.clientHints.mobile,
            platform: identity.clientHints.platform,
            platformVersion: identity.clientHints.platformVersion,
            model: identity.clientHints.model,
            architecture: identity.clientHints.architecture,
            bitness: identity.clientHints.bitness,
          },
        }
      : {}),
    webgpu: { available: false, error: "simulated device: inference ran in onnxruntime-node on the simulator's host" },
    ort: { ...(runtime.ortVersion ? { version: runtime.ortVersion } : {}), bundle: SIMULATED_RUNTIME_BUNDLE, threads: 1 },
    hardwareConcurrency: identity.hardwareConcurrency,
    screen: { width: identity.screen.width, height: identity.screen.height, devicePixelRatio: identity.screen.devicePixelRatio, orientation: "portrait-primary" },
    language: "en-US",
  };
}

/** Headers a phone's browser adds to every request: User-Agent, and Sec-CH-UA low-entropy hints on Chromium. */
export function describeVirtualRequestHeaders(identity: DeviceIdentity): Record<string, string> {
  const headers: Record<string, string> = { "user-agent": identity.userAgent };
  if (identity.clientHints) {
    headers["sec-ch-ua"] = identity.clientHints.brands.map((brand) => `"${brand.brand}";v="${brand.version}"`).join(", ");
    headers["sec-ch-ua-mobile"] = identity.clientHints.mobile ? "?1" : "?0";
    headers["sec-ch-ua-platform"] = `"${identity.clientHints.platform}"`;
  }
  return headers;
}

/** The device-model key the server derives once it has seen this phone's photo EXIF. */
export function expectedDeviceModelKey(identity: DeviceIdentity): string {
  return deriveDeviceModelKey({ exif: identity.exif, clientHints: identity.clientHints, userAgent: identity.userAgent }).key;
}
