// A small study with every vote worked out by hand, shared by the database tests of the dashboards'
// queries and of the dataset export (their expectations are written against exactly these rows).
// Pure data; tests build it with ./build-table-study.ts.

// [capture id, scene, device, device model, minute, device top-1, top-1 prob, reference top-1]
//   s1 (truth 0): A votes 1 (a1: 0 then 1, a2: 1 → 2 of 3; decided by s1-a1-2), B 0, C 0
//                 → unstable, 2 labels, majority 0 (2 votes), mixed. The reference flips B's photo to 1.
//   s2 (truth 1): A 1, B 1, C 1                   → stable
//   s3 (truth 2): A ties 3 vs 2 at one instant, "s3-a2" < "s3-z1" → 2; B 3
//                 → unstable, majority 2 (tie → smallest index, 1 vote), mixed
//   s4 (no truth): A 0, C 0                       → stable
//   s5 (truth 1): B 1 alone                       → not eligible
//   s6 (no truth): A 2, B 3, C 1 (minute 40)      → unstable, 3 labels, majority 1 (1 vote)
export const HAND_COUNTED_ROWS: [string, string, string, string, number, number, number, number][] = [
  ["s1-a1-1", "s1", "a1", "A", 1, 0, 0.5, 0],
  ["s1-a1-2", "s1", "a1", "A", 2, 1, 0.5, 1],
  ["s1-a2", "s1", "a2", "A", 3, 1, 0.5, 1],
  ["s1-b1", "s1", "b1", "B", 1, 0, 0.5, 1],
  ["s1-c1", "s1", "c1", "C", 1, 0, 0.5, 0],
  ["s2-a1", "s2", "a1", "A", 5, 1, 0.9, 1],
  ["s2-b1", "s2", "b1", "B", 5, 1, 0.9, 1],
  ["s2-c1", "s2", "c1", "C", 5, 1, 0.9, 1],
  ["s3-z1", "s3", "a1", "A", 10, 3, 0.6, 3],
  ["s3-a2", "s3", "a2", "A", 10, 2, 0.6, 2],
  ["s3-b1", "s3", "b1", "B", 10, 3, 0.6, 3],
  ["s4-a1", "s4", "a1", "A", 20, 0, 0.9, 0],
  ["s4-c1", "s4", "c1", "C", 20, 0, 0.9, 0],
  ["s5-b1", "s5", "b1", "B", 30, 1, 0.9, 1],
  ["s6-a1", "s6", "a1", "A", 40, 2, 0.4, 2],
  ["s6-b1", "s6", "b1", "B", 40, 3, 0.4, 3],
  ["s6-c1", "s6", "c1", "C", 40, 1, 0.4, 1],
];
export const HAND_COUNTED_TRUTH: Record<string, number | null> = { s1: 0, s2: 1, s3: 2, s4: null, s5: 1, s6: null };
