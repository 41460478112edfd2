import { describe, expect, it } from "vitest";
import { computeVotes } from "./compute-votes";
import { predict } from "./testing/prediction-builder";
import { compareKeys } from "./types";

describe("computeVotes", () => {
  it.each([
    { name: "one capture votes its top-1", captures: [predict("c1", "s", "A", 4)], label: 4, captures_: 1, forLabel: 1, representative: "c1" },
    {
      name: "the most frequent top-1 wins",
      captures: [predict("c1", "s", "A", 3, { at: 1 }), predict("c2", "s", "A", 5, { at: 2 }), predict("c3", "s", "A", 5, { at: 3 })],
      label: 5,
      captures_: 3,
      forLabel: 2,
      representative: "c2",
    },
    {
      name: "a 1–1 tie goes to the earliest capture",
      captures: [predict("c1", "s", "A", 9, { at: 20 }), predict("c2", "s", "A", 7, { at: 10 })],
      label: 7,
      captures_: 2,
      forLabel: 1,
      representative: "c2",
    },
    {
      name: "a tie goes to the tied label whose earliest capture is earliest, not to the earliest capture overall",
      captures: [
        predict("c1", "s", "A", 1, { at: 1 }),
        predict("c2", "s", "A", 2, { at: 2 }),
        predict("c3", "s", "A", 3, { at: 3 }),
        predict("c4", "s", "A", 2, { at: 4 }),
        predict("c5", "s", "A", 3, { at: 5 }),
      ],
      label: 2,
      captures_: 5,
      forLabel: 2,
      representative: "c2",
    },
    {
      name: "equal timestamps: the smaller capture id is earlier",
      captures: [predict("c-b", "s", "A", 1, { at: 5 }), predict("c-a", "s", "A", 2, { at: 5 })],
      label: 2,
      captures_: 2,
      forLabel: 1,
      representative: "c-a",
    },
    {
      name: "capture ids compare by code point (upper case before lower case), not by locale",
      captures: [predict("a1", "s", "A", 1, { at: 5 }), predict("Z1", "s", "A", 2, { at: 5 })],
      label: 2,
      captures_: 2,
      forLabel: 1,
      representative: "Z1",
    },
    {
      name: "the representative of the winning label is its earliest capture",
      captures: [
        predict("c1", "s", "A", 6, { at: 9, top: [6, 1] }),
        predict("c2", "s", "A", 6, { at: 3, top: [6, 2] }),
        predict("c3", "s", "A", 8, { at: 1 }),
      ],
      label: 6,
      captures_: 3,
      forLabel: 2,
      representative: "c2",
      top: [6, 2],
    },
  ])("$name", ({ captures, label, captures_, forLabel, representative, top }) => {
    for (const order of [captures, [...captures].reverse()]) {
      const [vote] = computeVotes(order);
      expect(vote).toMatchObject({ sceneId: "s", deviceModelKey: "A", label, captures: captures_, capturesForLabel: forLabel, representativeCaptureId: representative });
      if (top) expect(vote!.topIndices).toEqual(top);
    }
  });

  it("gives one vote per (scene, device model), sorted by scene then device model", () => {
    const votes = computeVotes([
      predict("c1", "s2", "B", 1),
      predict("c2", "s1", "B", 2),
      predict("c3", "s1", "A", 3),
      predict("c4", "s1", "A", 3, { device: "other-A-phone" }),
    ]);
    expect(votes.map((v) => [v.sceneId, v.deviceModelKey, v.label, v.captures])).toEqual([
      ["s1", "A", 3, 2],
      ["s1", "B", 2, 1],
      ["s2", "B", 1, 1],
    ]);
  });

  it("has no votes without predictions", () => {
    expect(computeVotes([])).toEqual([]);
  });
});

describe("compareKeys", () => {
  it.each([
    ["a", "b", -1],
    ["B", "a", -1],
    ["ab", "a", 1],
    ["same", "same", 0],
    // U+FFFD is below U+1F600 (a surrogate pair in UTF-16): code-point order, like UTF-8 bytes.
    ["\uFFFD", "\u{1F600}", -1],
  ])("%s vs %s", (a, b, sign) => {
    expect(Math.sign(compareKeys(a, b))).toBe(sign);
    expect(Math.sign(compareKeys(b, a))).toBe(-sign || 0);
  });
});
