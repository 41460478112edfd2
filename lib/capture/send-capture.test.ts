import { describe, expect, it } from "vitest";
import type { OutboxItem } from "./capture-outbox";
import { computeUploadTimeout, sendCaptureUpload } from "./send-capture";

const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 1, 2, 3, 0xff, 0xd9]);
const item: OutboxItem = {
  clientCaptureId: "0f8fad5b-d9cb-469f-a165-70867728950e",
  studyId: "s1",
  createdAt: 1,
  image: bytes.slice().buffer,
  imageType: "image/jpeg",
  imageName: "photo.jpg",
  meta: { clientCaptureId: "0f8fad5b-d9cb-469f-a165-70867728950e", sceneKey: "a" },
  attempts: 0,
  nextAttemptAt: 0,
  state: "pending",
};

const stored = (status = 201) => Response.json({ capture: { id: "c1", clientCaptureId: item.clientCaptureId }, duplicate: status === 200 }, { status });
const failure = (status: number, message: string, headers: Record<string, string> = {}) =>
  Response.json({ error: { code: "x", message } }, { status, headers });

describe("sendCaptureUpload", () => {
  it("sends meta first, then the photo's bytes unchanged, with the device token", async () => {
    let seen: { url: string; auth: string | null; parts: [string, FormDataEntryValue][] } | undefined;
    const result = await sendCaptureUpload(item, {
      token: "dev_abc",
      baseUrl: "http://phone.test",
      fetch: async (url, init) => {
        const request = new Request(String(url), init);
        seen = { url: String(url), auth: request.headers.get("authorization"), parts: [...(await request.formData()).entries()] };
        return stored();
      },
    });
    expect(result).toEqual({ kind: "stored" });
    expect(seen!.url).toBe("http://phone.test/api/v1/captures");
    expect(seen!.auth).toBe("Bearer dev_abc");
    expect(seen!.parts.map(([name]) => name)).toEqual(["meta", "image"]);
    expect(typeof seen!.parts[0]![1]).toBe("string");
    expect(JSON.parse(seen!.parts[0]![1] as string)).toEqual(item.meta);
    const image = seen!.parts[1]![1] as File;
    expect(image.name).toBe("photo.jpg");
    expect(image.type).toBe("image/jpeg");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(bytes);
  });

  it("counts a repeated upload (200, duplicate) as stored", async () => {
    expect(await sendCaptureUpload(item, { token: "t", fetch: async () => stored(200) })).toEqual({ kind: "stored" });
  });

  it("does not take a 2xx that does not name this capture as an acknowledgement", async () => {
    const result = await sendCaptureUpload(item, { token: "t", fetch: async () => new Response("<html>portal</html>", { status: 200 }) });
    expect(result.kind).toBe("retry");
  });

  it.each([500, 502, 503, 504, 408, 429])("retries on %i with the server's Retry-After", async (status) => {
    const result = await sendCaptureUpload(item, { token: "t", now: () => 0, fetch: async () => failure(status, "busy", { "Retry-After": "7" }) });
    expect(result).toEqual({ kind: "retry", error: "busy", retryAfterMs: 7000 });
  });

  it("retries when the network fails", async () => {
    const result = await sendCaptureUpload(item, {
      token: "t",
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    expect(result).toEqual({ kind: "retry", error: "Failed to fetch" });
  });

  it.each([400, 401, 403, 409, 410, 413, 415, 422])("keeps the server's reason when it refuses for good (%i)", async (status) => {
    const result = await sendCaptureUpload(item, { token: "t", fetch: async () => failure(status, `reason ${status}`) });
    expect(result).toEqual({ kind: "rejected", error: `reason ${status}` });
  });

  it("describes a refusal without a JSON body by its status", async () => {
    const result = await sendCaptureUpload(item, { token: "t", fetch: async () => new Response("nope", { status: 404, statusText: "Not Found" }) });
    expect(result).toEqual({ kind: "rejected", error: "The server answered 404 Not Found." });
  });

  it("gives big photos on slow networks more time", () => {
    expect(computeUploadTimeout(0)).toBe(30_000);
    expect(computeUploadTimeout(4_000_000)).toBe(230_000);
  });
});
