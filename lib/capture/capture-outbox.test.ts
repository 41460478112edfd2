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
    expect(await outbox.counts()).toEqual({ pending: 0, rejected: 0 });
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
    expect(await outbox.counts()).toEqual({ pending: 0, rejected: 0 });
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
    expect(await outbox.counts()).toEqual({ pending: 0, rejected: 1 });
    expect((await outbox.list())[0]!.lastError).toBe("image too large");
    await outbox.makeAllDue();
    const sent: OutboxItem[] = [];
    await outbox.flush(async (i) => {
      sent.push(i);
      return { kind: "stored" };
    });
    expect(sent).toHaveLength(1);
  });
});
