import { describe, expect, it } from "vitest";
import { exportQuerySchema } from "./export-schemas";
import { buildExportSearch, exportCommand, exportUrl, type ExportChoices } from "./export-request";

const choices: ExportChoices = { divergentOnly: true, images: true, deviceModels: [], backends: [], captureMethods: [], fromDay: "", toDay: "" };

describe("export request", () => {
  it("asks for divergent scenes by default and passes every filter the endpoint accepts", () => {
    expect(exportUrl("s 1", choices)).toBe("/api/v1/studies/s%201/export?divergentOnly=true");
    const full: ExportChoices = { divergentOnly: false, images: false, deviceModels: ["pixel-7", "Apple iPhone"], backends: ["wasm"], captureMethods: ["live-camera"], fromDay: "2026-03-01", toDay: "2026-03-05" };
    const parsed = exportQuerySchema.parse(Object.fromEntries(buildExportSearch(full)));
    expect(parsed).toMatchObject({ divergentOnly: false, images: false, deviceModels: ["pixel-7", "Apple iPhone"], backends: ["wasm"], captureMethods: ["live-camera"] });
    // The last day is included: `to` is the next midnight (exclusive).
    expect(parsed.from?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(parsed.to?.toISOString()).toBe("2026-03-06T00:00:00.000Z");
  });

  it("gives the same export as a CLI command, quoted for the shell", () => {
    expect(exportCommand("abc", choices, "out.zip")).toBe("npm run export -- --study abc --divergent-only --out out.zip");
    expect(exportCommand("abc", { ...choices, divergentOnly: false, images: false, deviceModels: ["Apple iPhone's"] }, "a b.zip")).toBe(
      `npm run export -- --study abc --metadata-only --device-models 'Apple iPhone'\\''s' --out 'a b.zip'`,
    );
  });
});
