import { describe, expect, it } from "vitest";
import { categoryAxisWidth, heatColor, shortenLabel } from "./chart-theme";

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
});
