import { describe, expect, it } from "vitest";
import { checkImagefolderLayout } from "./check-imagefolder-layout";

const row = (fileName: string, extra: Record<string, unknown> = {}) => JSON.stringify({ file_name: fileName, scene_key: "s1", top: [{ index: 1, prob: 0.5 }], label: null, ...extra });

describe("checkImagefolderLayout", () => {
  const files = ["images/s1/a__1.jpg", "images/s1/b__2.png", "metadata.jsonl", "README.md", "predictions.csv"];

  it("accepts metadata at the root naming every image by its relative path", () => {
    const text = [row("images/s1/a__1.jpg"), row("images/s1/b__2.png", { label: "cat" })].join("\n") + "\n";
    expect(checkImagefolderLayout(files, "metadata.jsonl", text)).toEqual([]);
  });

  it("accepts metadata inside the images folder with paths relative to it", () => {
    const inner = ["images/s1/a__1.jpg", "images/metadata.jsonl"];
    expect(checkImagefolderLayout(inner, "images/metadata.jsonl", row("s1/a__1.jpg") + "\n")).toEqual([]);
  });

  it.each([
    ["an image without a row", [row("images/s1/a__1.jpg")], /b__2.png has no metadata row/],
    ["a row for a missing file", [row("images/s1/a__1.jpg"), row("images/s1/b__2.png"), row("images/s2/c.jpg")], /names no file/],
    ["an absolute path", [row("/images/s1/a__1.jpg"), row("images/s1/b__2.png")], /not a plain relative POSIX path/],
    ["a backslash path", [row("images\\s1\\a__1.jpg"), row("images/s1/b__2.png")], /not a plain relative POSIX path/],
    ["a duplicate row", [row("images/s1/a__1.jpg"), row("images/s1/a__1.jpg"), row("images/s1/b__2.png")], /appears twice/],
    ["rows with different keys", [row("images/s1/a__1.jpg"), row("images/s1/b__2.png", { more: 1 })], /other keys/],
    ["a column whose type changes", [row("images/s1/a__1.jpg", { label: 3 }), row("images/s1/b__2.png", { label: "cat" })], /"label" is string/],
    ["nested objects whose keys change", [row("images/s1/a__1.jpg"), row("images/s1/b__2.png", { top: [{ index: 1 }] })], /"top" is array/],
    ["an image column", [row("images/s1/a__1.jpg", { image: "x" }), row("images/s1/b__2.png", { image: "y" })], /reserves/],
  ])("refuses %s", (_, lines, message) => {
    const problems = checkImagefolderLayout(files, "metadata.jsonl", lines.join("\n") + "\n");
    expect(problems.join("\n")).toMatch(message);
  });

  it("refuses folders and files named like a split", () => {
    const names = ["images/test/a__1.jpg", "images/s1/pixel-val__2.jpg", "metadata.jsonl"];
    const text = [row("images/test/a__1.jpg"), row("images/s1/pixel-val__2.jpg")].join("\n");
    const problems = checkImagefolderLayout(names, "metadata.jsonl", text).join("\n");
    expect(problems).toMatch(/"test" holds a split keyword/);
    expect(problems).toMatch(/"pixel-val__2.jpg" holds a split keyword/);
  });

  it("refuses a second metadata file", () => {
    expect(checkImagefolderLayout([...files, "images/metadata.csv"], "metadata.jsonl", row("images/s1/a__1.jpg") + "\n" + row("images/s1/b__2.png")).join()).toMatch(/exactly one metadata file/);
  });
});
