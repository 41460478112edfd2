// Within-device instability and the per-device-model summary (devices, captures, accuracy).
import { describe, expect, it } from "vitest";
import { computeVotes } from "./compute-votes";
import { computeWithinDeviceInstability } from "./compute-within-device-instability";
import { summariseDeviceModels } from "./summarise-device-models";
import { predict } from "./testing/prediction-builder";

describe("computeWithinDeviceInstability", () => {
  it.each([
    {
      name: "(scene, device) groups with 2+ captures whose labels differ over such groups",
      predictions: [
        predict("c1", "s1", "M", 1, { device: "d1" }),
        predict("c2", "s1", "M", 1, { device: "d1" }), // stable pair
        predict("c3", "s2", "M", 1, { device: "d1" }),
        predict("c4", "s2", "M", 2, { device: "d1" }), // unstable pair
        predict("c5", "s1", "N", 3, { device: "d2" }), // single: not a group
      ],
      expected: { numerator: 1, denominator: 2, value: 0.5 },
    },
    {
      name: "per device, not per device model: two phones of one model disagreeing once each are no group",
      predictions: [predict("c1", "s3", "M", 1, { device: "d1" }), predict("c2", "s3", "M", 2, { device: "d4" })],
      expected: { numerator: 0, denominator: 0, value: null },
    },
    {
      name: "three captures with one odd label make the group unstable",
      predictions: [predict("c1", "s", "M", 4, { device: "d" }), predict("c2", "s", "M", 4, { device: "d" }), predict("c3", "s", "M", 5, { device: "d" })],
      expected: { numerator: 1, denominator: 1, value: 1 },
    },
  ])("$name", ({ predictions, expected }) => {
    expect(computeWithinDeviceInstability(predictions)).toEqual(expected);
  });
});

describe("summariseDeviceModels", () => {
  it("counts devices, captures, voted scenes and accuracy over votes on scenes with ground truth", () => {
    const predictions = [
      predict("a1", "s1", "A", 1, { device: "a-1" }),
      predict("a2", "s1", "A", 1, { device: "a-2" }), // second capture of s1: still one vote
      predict("a3", "s2", "A", 2, { device: "a-1" }), // wrong (truth 1)
      predict("a4", "s3", "A", 9, { device: "a-2" }), // no ground truth
      predict("b1", "s1", "B", 1, { device: "b-1" }),
      predict("c1", "s3", "C", 9, { device: "c-1" }), // only a scene without ground truth
    ];
    const truth = new Map([
      ["s1", 1],
      ["s2", 1],
    ]);
    expect(summariseDeviceModels(predictions, computeVotes(predictions), truth)).toEqual([
      { key: "A", devices: 2, captures: 4, scenes: 3, votesWithGroundTruth: 2, correctVotes: 1, accuracy: 0.5 },
      { key: "B", devices: 1, captures: 1, scenes: 1, votesWithGroundTruth: 1, correctVotes: 1, accuracy: 1 },
      { key: "C", devices: 1, captures: 1, scenes: 1, votesWithGroundTruth: 0, correctVotes: 0, accuracy: null },
    ]);
  });
});
