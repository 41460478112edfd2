import { describe, expect, it } from "vitest";
import { computePairwiseInstability } from "./compute-pairwise-instability";
import { computeVotes } from "./compute-votes";
import { predict } from "./testing/prediction-builder";

// Ground truth: s1 = 1, s2 = 1, s3 none. Top lists default to [label, label + 1].
//   s1: A 1, B 2 (top [2, 1]), C 1      s2: A 1, B 1, C 3      s3: A 5, B 6      s4: D 1 (alone)
const predictions = [
  predict("a1", "s1", "A", 1),
  predict("b1", "s1", "B", 2, { top: [2, 1] }),
  predict("c1", "s1", "C", 1),
  predict("a2", "s2", "A", 1),
  predict("b2", "s2", "B", 1),
  predict("c2", "s2", "C", 3),
  predict("a3", "s3", "A", 5),
  predict("b3", "s3", "B", 6),
  predict("d4", "s4", "D", 1),
];
const truth = new Map([
  ["s1", 1],
  ["s2", 1],
]);

describe("computePairwiseInstability", () => {
  const rows = computePairwiseInstability(computeVotes(predictions), truth, 2);
  const row = (a: string, b: string) => rows.find((r) => r.a === a && r.b === b);

  it("lists every unordered pair once, sorted", () => {
    expect(rows.map((r) => `${r.a}-${r.b}`)).toEqual(["A-B", "A-C", "A-D", "B-C", "B-D", "C-D"]);
  });

  it.each([
    // A–B share s1, s2, s3; differ on s1 and s3. With truth: s1 (A right, B wrong), s2 (both right).
    // Top-2: s1 A's 1 ∈ B's [2, 1]; s3 B's 6 ∈ A's [5, 6]; s2 equal → 3 of 3 agree.
    ["A", "B", { sharedScenes: 3, disagreements: 2, instability: 2 / 3, correctness: { sharedScenes: 2, disagreements: 1, instability: 0.5 }, topK: { k: 2, agreements: 3, agreement: 1 } }],
    // A–C share s1, s2; differ on s2 (1 vs 3, C wrong). Top-2: 1 ∉ [3, 4], 3 ∉ [1, 2] → s2 misses.
    ["A", "C", { sharedScenes: 2, disagreements: 1, instability: 0.5, correctness: { sharedScenes: 2, disagreements: 1, instability: 0.5 }, topK: { k: 2, agreements: 1, agreement: 0.5 } }],
    // B–C differ on both; exactly one correct on both. Top-2: s1 B's 2 ∈ C's [1, 2]; s2 misses.
    ["B", "C", { sharedScenes: 2, disagreements: 2, instability: 1, correctness: { sharedScenes: 2, disagreements: 2, instability: 1 }, topK: { k: 2, agreements: 1, agreement: 0.5 } }],
    // D shares no scene with anybody: counts 0, values null.
    ["A", "D", { sharedScenes: 0, disagreements: 0, instability: null, correctness: { sharedScenes: 0, disagreements: 0, instability: null }, topK: { k: 2, agreements: 0, agreement: null } }],
    ["C", "D", { sharedScenes: 0, disagreements: 0, instability: null, correctness: { sharedScenes: 0, disagreements: 0, instability: null }, topK: { k: 2, agreements: 0, agreement: null } }],
  ])("%s–%s", (a, b, expected) => {
    expect(row(a, b)).toEqual({ a, b, ...expected });
  });

  it("top-1 agreement is plain agreement", () => {
    const top1 = computePairwiseInstability(computeVotes(predictions), truth, 1);
    const ab = top1.find((r) => r.a === "A" && r.b === "B")!;
    expect(ab.topK).toEqual({ k: 1, agreements: 1, agreement: 1 / 3 });
  });

  it("uses the top list of the capture that decided the vote", () => {
    // A votes 1 from two captures; the earlier one (top [1, 9]) decided it, not the later [1, 8].
    const repeated = [
      predict("a-early", "s", "A", 1, { at: 1, top: [1, 9] }),
      predict("a-late", "s", "A", 1, { at: 2, top: [1, 8] }),
      predict("a-odd", "s", "A", 2, { at: 3 }),
      predict("b", "s", "B", 8, { top: [8, 7] }),
    ];
    const [pair] = computePairwiseInstability(computeVotes(repeated), new Map(), 2);
    expect(pair!.topK).toEqual({ k: 2, agreements: 0, agreement: 0 });
  });

  it("counts a pair with equal votes as disagreeing in top-k only when neither list holds the label", () => {
    const odd = [predict("a", "s", "A", 3, { top: [4, 5] }), predict("b", "s", "B", 3, { top: [6, 7] }), predict("c", "s", "C", 3, { top: [3, 1] })];
    const rows3 = computePairwiseInstability(computeVotes(odd), new Map(), 2);
    expect(rows3.map((r) => [r.a, r.b, r.disagreements, r.topK.agreements])).toEqual([
      ["A", "B", 0, 0],
      ["A", "C", 0, 1],
      ["B", "C", 0, 1],
    ]);
  });

  it("has no pairs with fewer than two device models", () => {
    expect(computePairwiseInstability(computeVotes([predict("a", "s", "A", 1)]), new Map(), 5)).toEqual([]);
  });
});
