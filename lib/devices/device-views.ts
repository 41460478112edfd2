// Device rows as the API shows them: the key, which source identified the device, and every source.
import type { Device } from "@/lib/db/generated/client";
import type { DeviceView } from "./device-schemas";

export function toDeviceView(device: Device & { _count?: { captures: number } }): DeviceView {
  const source = device.deviceModelSource;
  return {
    id: device.id,
    studyId: device.studyId,
    deviceModelKey: device.deviceModelKey,
    deviceModelSource: source === "exif" || source === "client-hints" || source === "user-agent" ? source : "unknown",
    isSimulated: device.isSimulated,
    createdAt: device.createdAt.toISOString(),
    lastSeenAt: device.lastSeenAt.toISOString(),
    revokedAt: device.revokedAt?.toISOString() ?? null,
    deletionRequestedAt: device.deletionRequestedAt?.toISOString() ?? null,
    captures: device._count?.captures ?? 0,
    identity: {
      userAgent: device.userAgent,
      clientHints: { brands: device.uaBrands, platform: device.uaPlatform, platformVersion: device.uaPlatformVersion, model: device.uaModel, mobile: device.uaMobile },
      exif: { make: device.exifMake, model: device.exifModel, software: device.exifSoftware },
      webgpu: { vendor: device.gpuVendor, architecture: device.gpuArchitecture, device: device.gpuDevice, description: device.gpuDescription },
      ort: { version: device.ortVersion, bundle: device.ortBundle },
      hardwareConcurrency: device.hardwareConcurrency,
      screen: { width: device.screenWidth, height: device.screenHeight, devicePixelRatio: device.devicePixelRatio },
    },
  };
}
