import { describe, expect, it } from "vitest";
import { createProgressBar } from "./progress-bar";

function recorder(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, columns: 200, write: (text: string) => chunks.push(text) }, chunks };
}

describe("createProgressBar", () => {
  it("prints one plain line per 10 % when not on a terminal", () => {
    const { stream, chunks } = recorder(false);
    let clock = 0;
    const bar = createProgressBar({ total: 20, label: "simulate", unit: "captures", stream, now: () => clock });
    for (let i = 0; i < 20; i++) {
      clock += 500;
      bar.tick();
    }
    bar.finish("done.");
    const lines = chunks.join("").trim().split("\n");
    expect(lines[0]).toBe("simulate: 5% 1/20 captures · 2.0/s · eta 10s");
    expect(lines.filter((line) => line.startsWith("simulate:"))).toHaveLength(11);
    expect(lines.at(-2)).toBe("simulate: 100% 20/20 captures · 2.0/s · 10s total");
    expect(lines.at(-1)).toBe("done.");
    expect(chunks.join("")).not.toContain("\r");
  });

  it("redraws in place on a terminal, at most every 100 ms, and keeps logs above the bar", () => {
    const { stream, chunks } = recorder(true);
    let clock = 0;
    const bar = createProgressBar({ total: 4, label: "simulate", stream, now: () => clock });
    bar.tick(1, "scene-0001");
    bar.tick(1);
    clock = 150;
    bar.tick(1);
    bar.log("retrying an upload");
    bar.finish();
    const output = chunks.join("");
    expect(output.match(/\r\S/g)?.length).toBeGreaterThanOrEqual(3);
    expect(output).toContain("[######------------------]  25% 1/4 items");
    expect(output).toContain("· scene-0001");
    expect(output).toContain("\r\x1b[Kretrying an upload\n");
    expect(output.endsWith("\n")).toBe(true);
    // The second tick came within 100 ms of the first and was not drawn.
    expect(output).not.toContain(" 50% 2/4");
  });
});
