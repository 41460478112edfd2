// How the command-line tools (model:add, model:fetch) add a model: through a running server's API
// (--server URL --token T), or straight into the database when no server holds it. The direct path
// opens the configured database, migrates it and uses the same registry code as the API.
import "server-only";
import { applyMigrations } from "@/lib/db/migrate";
import { openDatabase } from "@/lib/db/open-database";
import type { ServerEnv } from "@/lib/env/server-env";
import { blobStoreRoot } from "@/lib/storage/get-blob-store";
import { LocalBlobStore } from "@/lib/storage/local-blob-store";
import type { ModelDefinitionInput } from "./model-definition";
import type { ModelInfo } from "./model-info";
import { registerModel } from "./register-model";

export type CliTarget = { kind: "server"; url: string; token: string } | { kind: "direct"; env: ServerEnv };

export class CliModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliModelError";
  }
}

export async function addModelFromCli(
  target: CliTarget,
  input: { bytes: Uint8Array; fileName: string; definition: ModelDefinitionInput; source: string },
): Promise<{ model: ModelInfo; created: boolean }> {
  if (target.kind === "server") {
    const form = new FormData();
    form.set("file", new Blob([input.bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }), input.fileName);
    form.set("labels", JSON.stringify(input.definition.labels));
    form.set("name", input.definition.name);
    const preprocessing = input.definition.preprocessing ?? "imagenet";
    if (typeof preprocessing === "string") form.set("preset", preprocessing);
    else form.set("preprocessing", JSON.stringify(preprocessing));
    if (input.definition.topK) form.set("topK", String(input.definition.topK));
    let response: Response;
    try {
      response = await fetch(new URL("/api/v1/models", target.url), { method: "POST", body: form, headers: { Authorization: `Bearer ${target.token}` } });
    } catch (error) {
      throw new CliModelError(`Could not reach the server at ${target.url} (${(error as { cause?: { code?: string } }).cause?.code ?? String(error)}).`);
    }
    const body = (await response.json().catch(() => ({}))) as { model?: ModelInfo; created?: boolean; error?: { message?: string } };
    if (!response.ok || !body.model) throw new CliModelError(body.error?.message ?? `The server answered ${response.status}.`);
    return { model: body.model, created: body.created ?? response.status === 201 };
  }
  const { env } = target;
  const database = await openDatabase(env.DATABASE_URL ? { kind: "postgresql", url: env.DATABASE_URL, maxConnections: 2 } : { kind: "embedded", dataDir: env.dataDir });
  try {
    await applyMigrations(database.sql);
    return await registerModel(database.prisma, new LocalBlobStore(blobStoreRoot(env.dataDir)), { bytes: input.bytes, definition: input.definition, source: input.source });
  } finally {
    await database.close();
  }
}
