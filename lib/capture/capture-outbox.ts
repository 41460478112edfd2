// The phone's outbox: every capture (photo bytes exactly as captured + its metadata and
// predictions) is written to IndexedDB BEFORE any upload is attempted, and stays there until the
// server acknowledges it. Survives reloads, closed tabs and offline periods; uploads are idempotent
// by client capture id, so sending twice is harmless. A capture the server refuses for good (4xx)
// is kept, marked rejected with the server's reason, never silently dropped.
import { computeRetryDelay } from "./retry-delay";

export type OutboxItem = {
  clientCaptureId: string;
  studyId: string;
  createdAt: number;
  /** The original image bytes, as the camera or file picker produced them. */
  image: ArrayBuffer;
  imageType: string;
  imageName: string;
  /** The API's `meta` part, serialised as JSON when sent. */
  meta: unknown;
  attempts: number;
  nextAttemptAt: number;
  state: "pending" | "rejected";
  lastError?: string;
};

export type NewOutboxItem = Omit<OutboxItem, "attempts" | "nextAttemptAt" | "state" | "lastError">;

export type SendResult =
  | { kind: "stored" }
  | { kind: "retry"; error: string; retryAfterMs?: number }
  | { kind: "rejected"; error: string };

export type FlushReport = { stored: number; retrying: number; rejected: number };

const STORE = "captures";

function promisify<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function completion(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error("IndexedDB transaction aborted"));
  });
}

export class CaptureOutbox {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(name = "parallax-outbox", factory: IDBFactory = indexedDB): Promise<CaptureOutbox> {
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: "clientCaptureId" });
      store.createIndex("studyId", "studyId");
    };
    return new CaptureOutbox(await promisify(request));
  }

  close(): void {
    this.db.close();
  }

  /** Stores a new capture durably; resolves only once IndexedDB has committed it. */
  async add(item: NewOutboxItem, now = Date.now()): Promise<void> {
    const transaction = this.db.transaction(STORE, "readwrite", { durability: "strict" } as IDBTransactionOptions);
    const full: OutboxItem = { ...item, attempts: 0, nextAttemptAt: now, state: "pending" };
    transaction.objectStore(STORE).put(full);
    await completion(transaction);
  }

  async list(): Promise<OutboxItem[]> {
    const items = await promisify(this.db.transaction(STORE).objectStore(STORE).getAll() as IDBRequest<OutboxItem[]>);
    return items.sort((a, b) => a.createdAt - b.createdAt || a.clientCaptureId.localeCompare(b.clientCaptureId));
  }

  async counts(): Promise<{ pending: number; rejected: number }> {
    const items = await this.list();
    return { pending: items.filter((i) => i.state === "pending").length, rejected: items.filter((i) => i.state === "rejected").length };
  }

  async remove(clientCaptureId: string): Promise<void> {
    const transaction = this.db.transaction(STORE, "readwrite");
    transaction.objectStore(STORE).delete(clientCaptureId);
    await completion(transaction);
  }

  private async put(item: OutboxItem): Promise<void> {
    const transaction = this.db.transaction(STORE, "readwrite");
    transaction.objectStore(STORE).put(item);
    await completion(transaction);
  }

  /** Makes every waiting capture (including rejected ones) due now: the volunteer's "retry now". */
  async makeAllDue(now = Date.now()): Promise<void> {
    for (const item of await this.list()) await this.put({ ...item, state: "pending", nextAttemptAt: now });
  }

  /** The earliest time a pending capture becomes due, if any. */
  async nextDueAt(): Promise<number | undefined> {
    const due = (await this.list()).filter((i) => i.state === "pending").map((i) => i.nextAttemptAt);
    return due.length ? Math.min(...due) : undefined;
  }

  /**
   * Sends every due pending capture, oldest first, one at a time (a weak network does better with
   * one upload than with several competing ones). Removes a capture only after the server stored it.
   */
  async flush(send: (item: OutboxItem) => Promise<SendResult>, options: { now?: () => number; random?: () => number } = {}): Promise<FlushReport> {
    const now = options.now ?? Date.now;
    const random = options.random ?? Math.random;
    const report: FlushReport = { stored: 0, retrying: 0, rejected: 0 };
    for (const item of await this.list()) {
      if (item.state !== "pending" || item.nextAttemptAt > now()) continue;
      let result: SendResult;
      try {
        result = await send(item);
      } catch (error) {
        result = { kind: "retry", error: (error as Error).message || "network error" };
      }
      if (result.kind === "stored") {
        await this.remove(item.clientCaptureId);
        report.stored += 1;
      } else if (result.kind === "rejected") {
        await this.put({ ...item, attempts: item.attempts + 1, state: "rejected", lastError: result.error });
        report.rejected += 1;
      } else {
        const attempts = item.attempts + 1;
        await this.put({ ...item, attempts, lastError: result.error, nextAttemptAt: now() + computeRetryDelay(attempts, random, result.retryAfterMs) });
        report.retrying += 1;
        // The network or server is struggling: leave the rest for the next round.
        break;
      }
    }
    return report;
  }
}
