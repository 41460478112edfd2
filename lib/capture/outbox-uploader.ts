// Keeps one study's outbox moving: uploads due captures, sleeps until the next one is due, wakes
// when the network returns or the page becomes visible, and on "retry now". Two tabs never upload
// at the same time: each round runs under a Web Lock (navigator.locks, where the browser has it),
// and the outbox re-reads each item before sending it. Tabs tell each other about changes through
// a BroadcastChannel so every open page shows the same count. DOM-light: the browser objects are
// passed in (defaults: the page's), so Node tests can drive it.
import type { CaptureOutbox, OutboxCounts, OutboxItem, SendResult } from "./capture-outbox";
import { sendCaptureUpload } from "./send-capture";

export const UPLOAD_LOCK_NAME = "parallax-outbox-upload";
export const OUTBOX_CHANNEL_NAME = "parallax-outbox";

export type RejectedCapture = { clientCaptureId: string; error: string; createdAt: number };

export type UploaderState = OutboxCounts & {
  /** An upload round is running in this tab. */
  uploading: boolean;
  /** The last temporary failure (network, 5xx), while captures still wait. */
  lastError?: string;
  /** When the next automatic attempt happens (ms since epoch), if one is scheduled. */
  nextAttemptAt?: number;
  /** Captures the server refused for good, with its reason. */
  rejectedItems: RejectedCapture[];
};

type LockManagerLike = { request<T>(name: string, callback: () => Promise<T>): Promise<T> };
type ChannelLike = { postMessage(message: unknown): void; close(): void; onmessage: ((event: MessageEvent) => void) | null };
type EventTargetLike = Pick<EventTarget, "addEventListener" | "removeEventListener">;

export type UploaderOptions = {
  outbox: CaptureOutbox;
  studyId: string;
  /** The device token for this study (undefined: this phone left the study; nothing is sent). */
  getToken: () => string | undefined;
  onState: (state: UploaderState) => void;
  /** Each capture's outcome, as it happens (for result cards). */
  onResult?: (clientCaptureId: string, result: SendResult) => void;
  send?: (item: OutboxItem, token: string) => Promise<SendResult>;
  locks?: LockManagerLike;
  channel?: ChannelLike;
  /** Where `online` and `visibilitychange` come from (window and document in the page). */
  windowTarget?: EventTargetLike;
  documentTarget?: EventTargetLike & { visibilityState?: string };
  now?: () => number;
};

export type OutboxUploader = {
  /** Uploads what is due now (no-op if a round is running; it then runs once more). */
  flush(): Promise<void>;
  /** The volunteer's "retry now": every waiting capture (refused ones too) is due now. */
  retryNow(): Promise<void>;
  /** Re-reads the counts (after this page added a capture). */
  refresh(): Promise<void>;
  dispose(): void;
};

function defaultLocks(): LockManagerLike | undefined {
  return typeof navigator !== "undefined" && "locks" in navigator ? (navigator.locks as LockManagerLike) : undefined;
}

export function createOutboxUploader(options: UploaderOptions): OutboxUploader {
  const { outbox, studyId } = options;
  const now = options.now ?? Date.now;
  const locks = options.locks ?? defaultLocks();
  const channel = options.channel ?? (typeof BroadcastChannel !== "undefined" ? new BroadcastChannel(OUTBOX_CHANNEL_NAME) : undefined);
  const windowTarget = options.windowTarget ?? (typeof window !== "undefined" ? window : undefined);
  const documentTarget = options.documentTarget ?? (typeof document !== "undefined" ? document : undefined);
  const send = options.send ?? ((item: OutboxItem, token: string) => sendCaptureUpload(item, { token }));

  let disposed = false;
  let running: Promise<void> | undefined;
  let runAgain = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastError: string | undefined;
  let uploading = false;

  async function publish(): Promise<void> {
    if (disposed) return;
    const items = await outbox.list(studyId);
    const counts: OutboxCounts = {
      pending: items.filter((i) => i.state === "pending").length,
      rejected: items.filter((i) => i.state === "rejected").length,
      held: items.filter((i) => i.state === "pending" && i.held).length,
    };
    const waiting = items.filter((i) => i.state === "pending" && !i.held);
    const nextAttemptAt = waiting.length ? Math.min(...waiting.map((i) => i.nextAttemptAt)) : undefined;
    const newestError = waiting.map((i) => i.lastError).filter(Boolean).pop();
    if (counts.pending === 0) lastError = undefined;
    options.onState({
      ...counts,
      uploading,
      lastError: newestError ?? lastError,
      nextAttemptAt,
      rejectedItems: items.filter((i) => i.state === "rejected").map((i) => ({ clientCaptureId: i.clientCaptureId, error: i.lastError ?? "refused", createdAt: i.createdAt })),
    });
  }

  function schedule(at: number | undefined): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (disposed || at === undefined) return;
    timer = setTimeout(() => void flush(), Math.max(0, at - now()));
  }

  async function round(): Promise<void> {
    const token = options.getToken();
    if (!token) return;
    const report = await outbox.flush((item) => send(item, token), {
      studyId,
      now,
      onResult: (item, result) => {
        if (result.kind === "retry") lastError = result.error;
        options.onResult?.(item.clientCaptureId, result);
        channel?.postMessage({ type: "changed", studyId });
      },
    });
    // Captures recorded while this round ran are sent in the next one, right away.
    if (report.stored > 0 && report.retrying === 0) runAgain = true;
  }

  async function flush(): Promise<void> {
    if (disposed) return;
    if (running) {
      runAgain = true;
      return running;
    }
    running = (async () => {
      uploading = true;
      await publish();
      try {
        do {
          runAgain = false;
          await (locks ? locks.request(UPLOAD_LOCK_NAME, round) : round());
        } while (runAgain && !disposed);
      } catch (error) {
        lastError = (error as Error).message;
      } finally {
        uploading = false;
        running = undefined;
      }
      await publish();
      schedule(await outbox.nextDueAt(studyId));
    })();
    return running;
  }

  const onOnline = () => {
    void outbox.makeDue({ studyId, now: now() }).then(flush);
  };
  const onVisible = () => {
    if (documentTarget?.visibilityState === undefined || documentTarget.visibilityState === "visible") void flush();
  };
  windowTarget?.addEventListener("online", onOnline);
  documentTarget?.addEventListener("visibilitychange", onVisible);
  if (channel) {
    channel.onmessage = (event: MessageEvent) => {
      const message = event.data as { type?: string; studyId?: string } | undefined;
      if (message?.type === "changed" && message.studyId === studyId) void publish();
    };
  }

  return {
    flush,
    async retryNow() {
      await outbox.makeAllDue(now(), studyId);
      await flush();
    },
    async refresh() {
      await publish();
      channel?.postMessage({ type: "changed", studyId });
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      windowTarget?.removeEventListener("online", onOnline);
      documentTarget?.removeEventListener("visibilitychange", onVisible);
      channel?.close();
    },
  };
}
