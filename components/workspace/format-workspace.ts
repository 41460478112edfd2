// How the workspace writes dates, sizes and device identification. Deterministic (UTC, fixed
// format) so server-rendered and browser-rendered text agree.
import type { DeviceView } from "@/lib/devices/device-schemas";

export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? noun : nouns}`;
}

export const IDENTIFICATION_LABEL: Record<DeviceView["deviceModelSource"], string> = {
  exif: "EXIF",
  "client-hints": "Client Hints",
  "user-agent": "User-Agent",
  unknown: "Unknown",
};

/** The evidence behind the device-model key, as one short line. */
export function describeIdentification(device: DeviceView): string {
  const { exif, clientHints, userAgent } = device.identity;
  switch (device.deviceModelSource) {
    case "exif":
      return [exif.make, exif.model, exif.software ? `(${exif.software})` : null].filter(Boolean).join(" ") || "photo EXIF";
    case "client-hints":
      return [clientHints.model, clientHints.platform, clientHints.platformVersion].filter(Boolean).join(" · ") || "UA Client Hints";
    case "user-agent":
      return userAgent ?? "User-Agent";
    default:
      return "no identifying detail";
  }
}
