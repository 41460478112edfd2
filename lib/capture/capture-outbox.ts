// The phone's outbox: every capture (photo bytes exactly as captured + its metadata and
// predictions) is written to IndexedDB BEFORE any upload is attempted, and stays there until the
// server acknowledges it. Survives reloads, closed tabs and offline periods; uploads are idempotent
// by client capture id, so sending twice is harmless. A capture the server refuses for good (4xx)
// is kept, marked rejected with the server's reason, never silently dropped. A capture can be
// stored "held" (its photo is safe but the phone is still classifying it) and released once its
// predictions are attached, so an upload never leaves without them by accident.
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
  /** True while the phone still works on the capture (classifying it); flush skips it. */
  held?: boolean;
  /** When and by which page instance the item was held, so a hold left behind by a closed tab can be recognised. */
  heldAt?: number;
  heldBy?: string;
};

export type NewOutboxItem = Omit<OutboxItem, "attempts" | "nextAttemptAt" | "state" | "lastError" | "held" | "heldAt" | "heldBy">;

export type OutboxCounts = { pending: number; rejected: number; held: number };

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

  /**
   * Stores a new capture durably; resolves only once IndexedDB has committed it. With `held`, the
   * capture waits (uploads skip it) until release() is called with its final metadata.
   */
  async add(item: NewOutboxItem, now = Date.now(), options: { held?: boolean; holder?: string } = {}): Promise<void> {
    const transaction = this.db.transaction(STORE, "readwrite", { durability: "strict" } as IDBTransactionOptions);
    const hold = options.held ? { held: true, heldAt: now, ...(options.holder ? { heldBy: options.holder } : {}) } : {};
    const full: OutboxItem = { ...item, attempts: 0, nextAttemptAt: now, state: "pending", ...hold };
    transaction.objectStore(STORE).put(full);
    await completion(transaction);
  }

  async get(clientCaptureId: string): Promise<OutboxItem | undefined> {
    return promisify(this.db.transaction(STORE).objectStore(STORE).get(clientCaptureId) as IDBRequest<OutboxItem | undefined>);
  }

  /** Oldest first; only one study's captures when `studyId` is given. */
  async list(studyId?: string): Promise<OutboxItem[]> {
    const store = this.db.transaction(STORE).objectStore(STORE);
    const request = (studyId === undefined ? store.getAll() : store.index("studyId").getAll(studyId)) as IDBRequest<OutboxItem[]>;
    const items = await promisify(request);
    return items.sort((a, b) => a.createdAt - b.createdAt || a.clientCaptureId.localeCompare(b.clientCaptureId));
  }

  /** Pending counts every capture not yet acknowledged and not rejected (held ones included: they wait too). */
  async counts(studyId?: string): Promise<OutboxCounts> {
    const items = await this.list(studyId);
    return {
      pending: items.filter((i) => i.state === "pending").length,
      rejected: items.filter((i) => i.state === "rejected").length,
      held: items.filter((i) => i.state === "pending" && i.held).length,
    };
  }

  /** Attaches a held capture's final metadata (its predictions) and lets it be uploaded. Atomic. */
  async release(clientCaptureId: string, meta: unknown): Promise<void> {
    const transaction = this.db.transaction(STORE, "readwrite", { durability: "strict" } as IDBTransactionOptions);
    const store = transaction.objectStore(STORE);
    const request = store.get(clientCaptureId) as IDBRequest<OutboxItem | undefined>;
    request.onsuccess = () => {
      const item = request.result;
      if (!item) return;
      const { held: _held, heldAt: _heldAt, heldBy: _heldBy, ...rest } = item;
      store.put({ ...rest, meta });
    };
    await completion(transaction);
  }

  /**
   * Held captures whose page is gone (a reload or a closed tab mid-classification), to be finished
   * by this page: those whose holder is not among `liveHolders` (when the browser can tell, through
   * Web Locks) or, failing that, held longer than `olderThanMs`.
   */
  async listAbandonedHeld(options: { liveHolders?: ReadonlySet<string>; olderThanMs: number; now?: number; studyId?: string }): Promise<OutboxItem[]> {
    const now = options.now ?? Date.now();
    return (await this.list(options.studyId)).filter((i) => {
      if (!i.held) return false;
      if (options.liveHolders && i.heldBy) return !options.liveHolders.has(i.heldBy);
      return now - (i.heldAt ?? 0) >= options.olderThanMs;
    });
  }

  /** Makes waiting captures due now; rejected ones too when the volunteer asks ("retry now"), not when the network comes back. */
  async makeDue(options: { now?: number; studyId?: string; includeRejected?: boolean } = {}): Promise<void> {
    const now = options.now ?? Date.now();
    for (const item of await this.list(options.studyId)) {
      if (item.state === "rejected" && !options.includeRejected) continue;
      if (item.state === "pending" && item.nextAttemptAt <= now) continue;
      await this.put({ ...item, state: "pending", nextAttemptAt: now });
    }
  }

  /** Drops every capture of one study (the volunteer chose to forget the device and its unsent photos). */
  async removeStudy(studyId: string): Promise<number> {
    const items = await this.list(studyId);
    for (const item of items) await this.remove(item.clientCaptureId);
    return items.length;
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
  async makeAllDue(now = Date.now(), studyId?: string): Promise<void> {
    await this.makeDue({ now, studyId, includeRejected: true });
  }

  /** The earliest time a pending, unheld capture becomes due, if any. */
  async nextDueAt(studyId?: string): Promise<number | undefined> {
    const due = (await this.list(studyId)).filter((i) => i.state === "pending" && !i.held).map((i) => i.nextAttemptAt);
    return due.length ? Math.min(...due) : undefined;
  }

  /**
   * Sends every due pending capture, oldest first, one at a time (a weak network does better with
   * one upload than with several competing ones). Removes a capture only after the server stored it.
   */
  async flush(
    send: (item: OutboxItem) => Promise<SendResult>,
    options: { now?: () => number; random?: () => number; studyId?: string; onResult?: (item: OutboxItem, result: SendResult) => void } = {},
  ): Promise<FlushReport> {
    const now = options.now ?? Date.now;
    const random = options.random ?? Math.random;
    const report: FlushReport = { stored: 0, retrying: 0, rejected: 0 };
    for (const listed of await this.list(options.studyId)) {
      if (listed.state !== "pending" || listed.held || listed.nextAttemptAt > now()) continue;
      // Another tab may have sent or changed it since the list was read.
      const item = await this.get(listed.clientCaptureId);
      if (!item || item.state !== "pending" || item.held) continue;
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
      }
      // Told once the outbox reflects it, so a listener (another tab) reads the new state.
      options.onResult?.(item, result);
      // The network or server is struggling: leave the rest for the next round.
      if (result.kind === "retry") break;
    }
    return report;
  }
}
