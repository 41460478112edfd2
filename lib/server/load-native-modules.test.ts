// The server loads onnxruntime-node and sharp on first use (load-native-modules.ts). A static import
// anywhere in the server's code would load them at start again (~60 MB more resident memory).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..", "..");
// Not part of the server: the simulator and test helpers run in their own processes.
const allowed = [/^lib\/simulator\//, /\/testing\//, /\.test\.tsx?$/, /^lib\/server\/load-native-modules\.ts$/];

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(relative);
    return /\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

describe("native modules in the server", () => {
  it("are imported only through load-native-modules.ts (type-only imports aside)", () => {
    const files = [...sourceFiles("lib"), ...sourceFiles("app"), ...sourceFiles("components")].filter((file) => !allowed.some((pattern) => pattern.test(file)));
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.filter((file) => /^import (?!type )[^;]*from "(onnxruntime-node|sharp)";/m.test(readFileSync(path.join(root, file), "utf8")));
    expect(offenders).toEqual([]);
  });
});
