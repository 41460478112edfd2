import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { beforeEach, describe, expect, it } from "vitest";
import { CaptureOutbox, type NewOutboxItem, type OutboxItem, type SendResult } from "./capture-outbox";

const item = (id: string, createdAt: number): NewOutboxItem => ({
  clientCaptureId: id,
  studyId: "s1",
  createdAt,
  image: new Uint8Array([0xff, 0xd8, createdAt & 0xff, 0xff, 0xd9]).buffer,
  imageType: "image/jpeg",
  imageName: `${id}.jpg`,
  meta: { clientCaptureId: id },
});

describe("CaptureOutbox", () => {
  let factory: IDBFactory;
  beforeEach(() => {
    factory = new IDBFactory();
  });

  it("keeps captures across a close and reopen (a reload) until the server stores them", async () => {
    const first = await CaptureOutbox.open("t", factory);
    await first.add(item("a", 1));
    await first.add(item("b", 2));
    first.close();
    const second = await CaptureOutbox.open("t", factory);
    const items = await second.list();
    expect(items.map((i) => i.clientCaptureId)).toEqual(["a", "b"]);
    expect(new Uint8Array(items[0]!.image)).toEqual(new Uint8Array([0xff, 0xd8, 1, 0xff, 0xd9]));
  });

  it("removes a capture only once it was stored, and sends oldest first", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("late", 5));
    await outbox.add(item("early", 1));
    const sent: string[] = [];
    const report = await outbox.flush(async (i) => {
      sent.push(i.clientCaptureId);
      return { kind: "stored" };
    });
    expect(sent).toEqual(["early", "late"]);
    expect(report).toEqual({ stored: 2, retrying: 0, rejected: 0 });
    expect(await outbox.counts()).toEqual({ pending: 0, rejected: 0, held: 0 });
  });

  it("backs off after a failure, stops the round, and retries when due", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1), 0);
    await outbox.add(item("b", 2), 0);
    let clock = 1000;
    const results: SendResult[] = [{ kind: "retry", error: "503" }];
    const send = async (): Promise<SendResult> => results.shift() ?? { kind: "stored" };
    expect(await outbox.flush(send, { now: () => clock, random: () => 1 })).toEqual({ stored: 0, retrying: 1, rejected: 0 });
    const [a] = await outbox.list();
    expect(a).toMatchObject({ attempts: 1, lastError: "503", nextAttemptAt: 2000 });
    // The next round sends "b" (due) but not "a" (backing off until 2000).
    expect(await outbox.flush(send, { now: () => clock })).toEqual({ stored: 1, retrying: 0, rejected: 0 });
    expect((await outbox.list()).map((i) => i.clientCaptureId)).toEqual(["a"]);
    clock = 2000;
    expect(await outbox.flush(send, { now: () => clock })).toEqual({ stored: 1, retrying: 0, rejected: 0 });
    expect(await outbox.counts()).toEqual({ pending: 0, rejected: 0, held: 0 });
  });

  it("treats a thrown network error as retryable, never as lost", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1));
    await outbox.flush(async () => {
      throw new TypeError("Failed to fetch");
    });
    expect((await outbox.list())[0]).toMatchObject({ state: "pending", attempts: 1, lastError: "Failed to fetch" });
  });

  it("keeps a rejected capture with the server's reason, and 'retry now' makes it pending again", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1));
    await outbox.flush(async () => ({ kind: "rejected", error: "image too large" }));
    expect(await outbox.counts()).toEqual({ pending: 0, rejected: 1, held: 0 });
    expect((await outbox.list())[0]!.lastError).toBe("image too large");
    await outbox.makeAllDue();
    const sent: OutboxItem[] = [];
    await outbox.flush(async (i) => {
      sent.push(i);
      return { kind: "stored" };
    });
    expect(sent).toHaveLength(1);
  });

  it("never uploads a held capture, and sends it with its final metadata once released", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1), 0, { held: true });
    const sent: OutboxItem[] = [];
    const send = async (i: OutboxItem): Promise<SendResult> => {
      sent.push(i);
      return { kind: "stored" };
    };
    expect(await outbox.flush(send, { now: () => 10 })).toEqual({ stored: 0, retrying: 0, rejected: 0 });
    expect(await outbox.counts()).toEqual({ pending: 1, rejected: 0, held: 1 });
    expect(await outbox.nextDueAt()).toBeUndefined();
    await outbox.release("a", { clientCaptureId: "a", predictions: ["p"] });
    expect(await outbox.flush(send, { now: () => 10 })).toEqual({ stored: 1, retrying: 0, rejected: 0 });
    expect(sent.map((i) => i.meta)).toEqual([{ clientCaptureId: "a", predictions: ["p"] }]);
    expect(sent[0]).not.toHaveProperty("held");
  });

  it("finds holds left behind by a closed tab: by its holder when known, else by age", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("old", 1), 1_000, { held: true });
    await outbox.add(item("new", 2), 9_000, { held: true });
    await outbox.add(item("free", 3), 1_000);
    await outbox.add(item("gone-tab", 4), 9_500, { held: true, holder: "tab-1" });
    await outbox.add(item("live-tab", 5), 1_000, { held: true, holder: "tab-2" });
    const abandoned = await outbox.listAbandonedHeld({ olderThanMs: 5_000, now: 10_000, liveHolders: new Set(["tab-2"]) });
    expect(abandoned.map((i) => i.clientCaptureId)).toEqual(["old", "gone-tab"]);
    const byAge = await outbox.listAbandonedHeld({ olderThanMs: 5_000, now: 10_000 });
    expect(byAge.map((i) => i.clientCaptureId)).toEqual(["old", "live-tab"]);
  });

  it("when the network returns, makes backing-off captures due but leaves refused ones alone", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1), 0);
    await outbox.add(item("b", 2), 0);
    await outbox.flush(async (i) => (i.clientCaptureId === "a" ? { kind: "rejected", error: "bad" } : { kind: "retry", error: "offline" }), { now: () => 0, random: () => 1 });
    expect((await outbox.get("b"))!.nextAttemptAt).toBe(1000);
    await outbox.makeDue({ now: 5 });
    expect((await outbox.get("b"))!.nextAttemptAt).toBe(5);
    expect((await outbox.get("a"))!.state).toBe("rejected");
    await outbox.makeDue({ now: 6, includeRejected: true });
    expect((await outbox.get("a"))!.state).toBe("pending");
  });

  it("keeps studies apart: counts, flushes and forgets one study's captures only", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1));
    await outbox.add({ ...item("b", 2), studyId: "s2" });
    const sent: string[] = [];
    await outbox.flush(
      async (i) => {
        sent.push(i.clientCaptureId);
        return { kind: "stored" };
      },
      { studyId: "s2" },
    );
    expect(sent).toEqual(["b"]);
    expect(await outbox.counts("s1")).toEqual({ pending: 1, rejected: 0, held: 0 });
    expect(await outbox.counts("s2")).toEqual({ pending: 0, rejected: 0, held: 0 });
    await outbox.add({ ...item("c", 3), studyId: "s2" });
    expect(await outbox.removeStudy("s1")).toBe(1);
    expect((await outbox.list()).map((i) => i.clientCaptureId)).toEqual(["c"]);
  });

  it("skips a capture another tab already sent during the round", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1));
    await outbox.add(item("b", 2));
    const sent: string[] = [];
    await outbox.flush(async (i) => {
      sent.push(i.clientCaptureId);
      // The other tab stores "b" while this one sends "a".
      await outbox.remove("b");
      return { kind: "stored" };
    });
    expect(sent).toEqual(["a"]);
  });

  it("reports each capture's outcome as it happens", async () => {
    const outbox = await CaptureOutbox.open("t", factory);
    await outbox.add(item("a", 1));
    await outbox.add(item("b", 2));
    const seen: string[] = [];
    await outbox.flush(async (i) => (i.clientCaptureId === "a" ? { kind: "stored" } : { kind: "rejected", error: "no" }), {
      onResult: (i, r) => seen.push(`${i.clientCaptureId}:${r.kind}`),
    });
    expect(seen).toEqual(["a:stored", "b:rejected"]);
  });
});
