// The server process's blob store (DATA_DIR/blobs), one instance on globalThis for every bundle.
import "server-only";
import path from "node:path";
import { getServerEnv } from "@/lib/env/server-env";
import type { BlobStore } from "./blob-store";
import { LocalBlobStore } from "./local-blob-store";

const state: { store?: BlobStore } = ((globalThis as { __parallaxBlobStore?: { store?: BlobStore } }).__parallaxBlobStore ??= {});

export function blobStoreRoot(dataDir: string): string {
  return path.join(dataDir, "blobs");
}

export function getBlobStore(): BlobStore {
  state.store ??= new LocalBlobStore(blobStoreRoot(getServerEnv().dataDir));
  return state.store;
}
