import { describe, expect, it } from "vitest";
import { categoryAxisWidth, formatShareTick, heatColor, shareTicks, shortenLabel } from "./chart-theme";

describe("chart theme", () => {
  it("shortens long labels and sizes category axes within bounds", () => {
    expect(shortenLabel("iphone-15-pro-max", 10)).toBe("iphone-15…");
    expect(shortenLabel("pixel-7", 10)).toBe("pixel-7");
    expect(categoryAxisWidth(["a"])).toBe(48);
    expect(categoryAxisWidth(["pixel-7", "sm-s911b"])).toBe(68);
    expect(categoryAxisWidth(["x".repeat(80)])).toBe(150);
  });

  it("maps 0 to a pale cell with dark text and the maximum to a dark cell with white text", () => {
    expect(heatColor(0)).toEqual({ background: "rgb(241, 244, 252)", color: "#1b1d21" });
    expect(heatColor(1)).toEqual({ background: "rgb(165, 29, 24)", color: "#ffffff" });
    expect(heatColor(2)).toEqual(heatColor(1));
    expect(heatColor(Number.NaN)).toEqual(heatColor(0));
    const mid = heatColor(0.5).background;
    expect(mid).not.toBe(heatColor(0).background);
  });

  it("puts share ticks on round percentages only", () => {
    expect(shareTicks(0.1)).toEqual([0, 0.02, 0.04, 0.06, 0.08, 0.1]);
    expect(shareTicks(0.2)).toEqual([0, 0.05, 0.1, 0.15, 0.2]);
    expect(shareTicks(0.3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(shareTicks(0.6)).toEqual([0, 0.2, 0.4, 0.6]);
    expect(shareTicks(1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(shareTicks(0.7)).toBeUndefined();
    expect([0.06, 0.025, 0.5, 1 / 3].map(formatShareTick)).toEqual(["6%", "2.5%", "50%", "33.3%"]);
  });
});
