// Bulk load for the benchmark's PGlite: COPY … FROM '/dev/blob' with CSV built in memory, about
// 2.5× faster than INSERT … unnest on PGlite (PGlite-only API, so it stays in bench/).
import type { PGlite } from "@electric-sql/pglite";
import type { SyntheticChunk } from "@/lib/instability/testing/generate-synthetic-study";

const field = (value: string | number | null) => (value === null ? "" : typeof value === "number" ? String(value) : `"${value.replaceAll('"', '""')}"`);

export function copyChunkIntoPGlite(client: PGlite) {
  return async (chunk: SyntheticChunk, modelSha256: string) => {
    const captures = chunk.captures
      .map((c) => [c.id, c.studyId, c.id, c.sceneId, c.deviceId, c.deviceModelKey, c.captureMethod, `synthetic/${c.id}`, "synthetic", "synthetic", 0, 640, 480, "image/jpeg", new Date(c.createdAt).toISOString(), "done"].map(field).join(","))
      .join("\n");
    await client.query(
      `COPY "Capture" (id, "studyId", "clientCaptureId", "sceneId", "deviceId", "deviceModelKey", "captureMethod", "blobKey", sha256, "originalSha256", "sizeBytes", width, height, mime, "createdAt", "referenceStatus") FROM '/dev/blob' WITH (FORMAT csv)`,
      [],
      { blob: new Blob([captures]) },
    );
    const predictions = chunk.predictions
      .map((p) =>
        [p.captureId, p.studyId, p.source, p.variant, p.backend, p.source === "device" ? "onnxruntime-web" : "onnxruntime-node", modelSha256, JSON.stringify(p.top), p.top1Index, p.top1Prob, "synthetic"].map(field).join(","),
      )
      .join("\n");
    await client.query(
      `COPY "Prediction" ("captureId", "studyId", source, variant, backend, runtime, "modelSha256", top, "top1Index", "top1Prob", "preprocessingId") FROM '/dev/blob' WITH (FORMAT csv)`,
      [],
      { blob: new Blob([predictions]) },
    );
  };
}
