import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CaptureOutbox, type NewOutboxItem, type OutboxItem, type SendResult } from "./capture-outbox";
import { createOutboxUploader, type OutboxUploader, type UploaderState } from "./outbox-uploader";

const item = (id: string, createdAt: number): NewOutboxItem => ({
  clientCaptureId: id,
  studyId: "s1",
  createdAt,
  image: new Uint8Array([1, 2, 3]).buffer,
  imageType: "image/jpeg",
  imageName: `${id}.jpg`,
  meta: { clientCaptureId: id },
});

/** A Web Locks stand-in: one holder at a time, others queue (what navigator.locks.request does). */
function createMutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    request<T>(_name: string, callback: () => Promise<T>): Promise<T> {
      const run = tail.then(callback, callback);
      tail = run.catch(() => {});
      return run;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("outbox uploader", () => {
  let factory: IDBFactory;
  const uploaders: OutboxUploader[] = [];
  beforeEach(() => {
    factory = new IDBFactory();
  });
  afterEach(() => {
    for (const u of uploaders.splice(0)) u.dispose();
  });

  function start(outbox: CaptureOutbox, send: (item: OutboxItem) => Promise<SendResult>, extra: Partial<Parameters<typeof createOutboxUploader>[0]> = {}) {
    const states: UploaderState[] = [];
    const uploader = createOutboxUploader({
      outbox,
      studyId: "s1",
      getToken: () => "token",
      onState: (state) => states.push(state),
      send: (i) => send(i),
      channel: { postMessage() {}, close() {}, onmessage: null },
      windowTarget: new EventTarget(),
      documentTarget: new EventTarget(),
      ...extra,
    });
    uploaders.push(uploader);
    return { uploader, states };
  }

  it("two tabs flushing at once send every capture exactly once", async () => {
    const setup = await CaptureOutbox.open("t", factory);
    for (let i = 0; i < 5; i++) await setup.add(item(`c${i}`, i));
    const tabA = await CaptureOutbox.open("t", factory);
    const tabB = await CaptureOutbox.open("t", factory);
    const locks = createMutex();
    const sent: string[] = [];
    const slowSend = async (i: OutboxItem): Promise<SendResult> => {
      sent.push(i.clientCaptureId);
      await sleep(5);
      return { kind: "stored" };
    };
    const a = start(tabA, slowSend, { locks });
    const b = start(tabB, slowSend, { locks });
    await Promise.all([a.uploader.flush(), b.uploader.flush(), a.uploader.flush()]);
    expect(sent.sort()).toEqual(["c0", "c1", "c2", "c3", "c4"]);
    expect(await setup.counts()).toEqual({ pending: 0, rejected: 0, held: 0 });
  });

  it("keeps retrying through server failures and reports the wait, then empties", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1), 0);
    await outbox.add(item("b", 2), 0);
    let clock = 1_000;
    let failures = 3;
    const sent: string[] = [];
    const { uploader, states } = start(
      outbox,
      async (i) => {
        if (failures-- > 0) return { kind: "retry", error: "The server answered 503." };
        sent.push(i.clientCaptureId);
        return { kind: "stored" };
      },
      { now: () => clock },
    );
    for (let round = 0; round < 10 && (await outbox.counts()).pending > 0; round++) {
      await uploader.flush();
      clock += 120_000;
    }
    // A retry timer may have started one more flush in the background: let it finish.
    await uploader.flush();
    // Each exactly once (the order may change: "b" can go while "a" backs off).
    expect(sent.sort()).toEqual(["a", "b"]);
    expect(states.some((s) => s.pending === 2 && s.lastError === "The server answered 503." && s.nextAttemptAt !== undefined)).toBe(true);
    expect(states.at(-1)).toMatchObject({ pending: 0, rejected: 0, uploading: false });
  });

  it("retries at once when the network comes back, without waiting for the backoff", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1));
    const windowTarget = new EventTarget();
    let online = false;
    const { uploader } = start(outbox, async () => (online ? { kind: "stored" } : { kind: "retry", error: "No network connection." }), { windowTarget });
    await uploader.flush();
    expect((await outbox.get("a"))!.nextAttemptAt).toBeGreaterThan(Date.now());
    online = true;
    windowTarget.dispatchEvent(new Event("online"));
    for (let i = 0; i < 50 && (await outbox.counts()).pending > 0; i++) await sleep(10);
    expect(await outbox.counts()).toEqual({ pending: 0, rejected: 0, held: 0 });
  });

  it("shows a refused capture with the server's reason; retry now sends it again", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1));
    let accept = false;
    const { uploader, states } = start(outbox, async () => (accept ? { kind: "stored" } : { kind: "rejected", error: 'The scene "x" is not part of this study.' }));
    await uploader.flush();
    expect(states.at(-1)).toMatchObject({ pending: 0, rejected: 1, rejectedItems: [{ clientCaptureId: "a", error: 'The scene "x" is not part of this study.' }] });
    accept = true;
    await uploader.flush();
    expect(states.at(-1)!.rejected).toBe(1);
    await uploader.retryNow();
    expect(states.at(-1)).toMatchObject({ pending: 0, rejected: 0 });
  });

  it("sends nothing without a device token", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1));
    const sent: string[] = [];
    const { uploader } = start(
      outbox,
      async (i) => {
        sent.push(i.clientCaptureId);
        return { kind: "stored" };
      },
      { getToken: () => undefined },
    );
    await uploader.flush();
    expect(sent).toEqual([]);
    expect((await outbox.counts()).pending).toBe(1);
  });

  it("tells other tabs about a change only once the outbox shows it", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1));
    const seenByOtherTab: number[] = [];
    const channel = {
      postMessage() {
        void outbox.counts().then((c) => seenByOtherTab.push(c.pending));
      },
      close() {},
      onmessage: null,
    };
    const { uploader } = start(outbox, async () => ({ kind: "stored" }), { channel });
    await uploader.flush();
    await sleep(20);
    expect(seenByOtherTab).toContain(0);
    expect(seenByOtherTab).not.toContain(1);
  });
});
