// Files derived from content-addressed data and kept on disk under DATA_DIR (gallery thumbnails of
// stored photos, gzip copies of model files): made once, then served as they are. Each is written
// to a uniquely named temporary file, flushed and renamed into place, so a reader (this process or
// another one sharing DATA_DIR) sees no file or the whole file, also after a crash; concurrent
// requests for a file that is being made share the one making of it.
import "server-only";
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";

/**
 * `make(file, write)` runs `write(temporary)` once for `file` among concurrent callers and renames
 * the temporary file into place; every caller gets the value `write` returned.
 */
export type DerivedFileMaker = <T>(file: string, write: (temporary: string) => Promise<T>) => Promise<T>;

export function createDerivedFileMaker(): DerivedFileMaker {
  const inFlight = new Map<string, Promise<unknown>>();
  const makeNow = async <T>(file: string, write: (temporary: string) => Promise<T>): Promise<T> => {
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      const value = await write(temporary);
      const handle = await open(temporary, "r");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
      return value;
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  };
  return <T>(file: string, write: (temporary: string) => Promise<T>): Promise<T> => {
    let pending = inFlight.get(file) as Promise<T> | undefined;
    if (!pending) {
      pending = makeNow(file, write).finally(() => inFlight.delete(file));
      inFlight.set(file, pending);
    }
    return pending;
  };
}
