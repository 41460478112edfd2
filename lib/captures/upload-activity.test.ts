import { describe, expect, it } from "vitest";
import { trackUpload, uploadsInFlight } from "./upload-activity";

describe("upload activity", () => {
  it("counts uploads in flight until each is done, once", () => {
    const before = uploadsInFlight();
    const first = trackUpload();
    const second = trackUpload();
    expect(uploadsInFlight()).toBe(before + 2);
    first();
    first();
    expect(uploadsInFlight()).toBe(before + 1);
    second();
    expect(uploadsInFlight()).toBe(before);
  });
});
