// The compression probe's settings and the prediction variants they are stored under, shared by
// the probe (server), the SQL that reports it and the pure metrics. Pure.

export type CompressionProbeVariant = "jpeg-q50" | "jpeg-q75" | "jpeg-q95" | "lossless";

/** Harshest first: JPEG quality 50, 75, 95, then lossless (PNG), the control. */
export const COMPRESSION_PROBE_SETTINGS: readonly { variant: CompressionProbeVariant; jpegQuality: number | null }[] = [
  { variant: "jpeg-q50", jpegQuality: 50 },
  { variant: "jpeg-q75", jpegQuality: 75 },
  { variant: "jpeg-q95", jpegQuality: 95 },
  { variant: "lossless", jpegQuality: null },
];

export const COMPRESSION_PROBE_VARIANTS: readonly CompressionProbeVariant[] = COMPRESSION_PROBE_SETTINGS.map((setting) => setting.variant);

export function isCompressionProbeVariant(variant: string): variant is CompressionProbeVariant {
  return (COMPRESSION_PROBE_VARIANTS as readonly string[]).includes(variant);
}
