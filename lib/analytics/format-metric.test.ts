import { describe, expect, it } from "vitest";
import { formatCount, formatInterval, formatIntervalRange, formatPercent, formatRatio, formatRatioWithInterval, formatTimestamp } from "./format-metric";

const plain = (text: string) => text.replaceAll("\u00a0", " ");

describe("format-metric", () => {
  it.each([
    [0.142, "14.2 %"],
    [0, "0.0 %"],
    [1, "100.0 %"],
    [2 / 3, "66.7 %"],
    [0.00049, "0.0 %"],
    [null, "—"],
    [Number.NaN, "—"],
  ])("formatPercent(%s) = %s", (value, expected) => {
    expect(plain(formatPercent(value))).toBe(expected);
  });

  it("writes a ratio with its counts and interval", () => {
    expect(plain(formatRatio({ numerator: 71, denominator: 500, value: 0.142 }, "scenes"))).toBe("14.2 % (71 / 500 scenes)");
    expect(plain(formatRatio({ numerator: 0, denominator: 0, value: null }, "scenes"))).toBe("— (0 / 0 scenes)");
    expect(plain(formatInterval({ lower: 0.1134, upper: 0.1741 }))).toBe("95% CI 11.3–17.4 %");
    expect(formatInterval(null)).toBe("");
    expect(plain(formatIntervalRange({ lower: 0, upper: 0.5 }))).toBe("0.0–50.0 %");
    expect(formatIntervalRange(null)).toBe("—");
    expect(plain(formatRatioWithInterval({ numerator: 71, denominator: 500, value: 0.142 }, { lower: 0.113, upper: 0.174 }, "scenes"))).toBe(
      "14.2 % (71 / 500 scenes), 95% CI 11.3–17.4 %",
    );
    expect(plain(formatRatioWithInterval({ numerator: 0, denominator: 0, value: null }, null, "scenes"))).toBe("— (0 / 0 scenes)");
  });

  it("groups thousands and writes times in UTC", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatTimestamp("2026-03-01T14:05:09.123Z")).toBe("2026-03-01 14:05:09 UTC");
    expect(formatTimestamp("not a date")).toBe("—");
  });
});
