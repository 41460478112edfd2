import { describe, expect, it } from "vitest";
import { formatScenePayload, parseScenePayload } from "@/lib/display/scene-payload";

describe("scene payload", () => {
  it("formats the documented examples exactly", () => {
    expect(formatScenePayload({ studyCode: "K7F3QZ", sceneKey: "scene-017", geometry: null })).toBe("PX1:K7F3QZ:scene-017");
    expect(
      formatScenePayload({
        studyCode: "K7F3QZ",
        sceneKey: "scene-017",
        geometry: { corner: 0, arrangement: "h", stimulusModulesWide: 221, stimulusModulesHigh: 166 },
      }),
    ).toBe("PX1:K7F3QZ:scene-017:0h221x166");
    expect(formatScenePayload({ studyCode: "demo", sceneKey: "a/b:c%d ü", geometry: null })).toBe("PX1:demo:a%2Fb%3Ac%25d%20%C3%BC");
  });

  it("parses what it formats, for tags and for every corner and arrangement", () => {
    for (const sceneKey of ["s1", "Stimulus 7", "a:b", "100%", "ÜberBlick", "x".repeat(128)]) {
      const tag = { studyCode: "A1B2", sceneKey, geometry: null };
      expect(parseScenePayload(formatScenePayload(tag))).toEqual(tag);
      for (const corner of [0, 1, 2, 3] as const) {
        for (const arrangement of ["h", "v"] as const) {
          const payload = { studyCode: "A1B2", sceneKey, geometry: { corner, arrangement, stimulusModulesWide: 9999, stimulusModulesHigh: 1 } };
          expect(parseScenePayload(formatScenePayload(payload))).toEqual(payload);
        }
      }
    }
  });

  it("rejects foreign QR codes and malformed payloads", () => {
    const rejected = [
      "",
      "https://example.com/join/K7F3QZ",
      "WIFI:S:net;T:WPA;P:secret;;",
      "PX1",
      "PX1:",
      "PX1:K7F3QZ",
      "PX1:K7F3QZ:",
      "PX1::scene",
      "PX2:K7F3QZ:scene-017",
      "px1:K7F3QZ:scene-017",
      " PX1:K7F3QZ:scene-017",
      "PX1:K7F3QZ:scene-017\n",
      "PX1:K7F3QZ:scene-017:",
      "PX1:K7F3QZ:scene-017:extra",
      "PX1:K7F3QZ:scene:017",
      "PX1:K7F3QZ:scene-017:4h221x166",
      "PX1:K7F3QZ:scene-017:0d221x166",
      "PX1:K7F3QZ:scene-017:0h0x166",
      "PX1:K7F3QZ:scene-017:0h0221x166",
      "PX1:K7F3QZ:scene-017:0h10000x166",
      "PX1:K7F3QZ:scene-017:0h221X166",
      "PX1:K7F3QZ:scene-017:0h221x166:1h221x166",
      "PX1:K7F3QZ:scene%zz",
      "PX1:K7F3QZ:scene%2",
      "PX1:%4B7F3QZ:scene-017",
      "PX1:K7F3QZ:scene%2ffoo",
      "PX1:K7F3QZ:scene/017",
      "PX1:K7F3QZ:scene 017",
      "PX1:K7F3QZ:%00",
      "PX1:K7F3QZ:%C3",
      `PX1:K7F3QZ:${"x".repeat(129)}`,
      `PX1:${"k".repeat(65)}:scene`,
    ];
    for (const text of rejected) expect(parseScenePayload(text), text).toBeNull();
  });

  it("refuses to format empty, oversized or control-character fields and bad geometry", () => {
    expect(() => formatScenePayload({ studyCode: "", sceneKey: "s", geometry: null })).toThrow(/studyCode/);
    expect(() => formatScenePayload({ studyCode: "A", sceneKey: "", geometry: null })).toThrow(/sceneKey/);
    expect(() => formatScenePayload({ studyCode: "A", sceneKey: "x".repeat(129), geometry: null })).toThrow(/sceneKey/);
    expect(() => formatScenePayload({ studyCode: "A", sceneKey: "a\nb", geometry: null })).toThrow(/control/);
    expect(() =>
      formatScenePayload({ studyCode: "A", sceneKey: "s", geometry: { corner: 0, arrangement: "h", stimulusModulesWide: 10000, stimulusModulesHigh: 5 } }),
    ).toThrow(/stimulusModulesWide/);
    expect(() =>
      formatScenePayload({ studyCode: "A", sceneKey: "s", geometry: { corner: 0, arrangement: "h", stimulusModulesWide: 10.5, stimulusModulesHigh: 5 } }),
    ).toThrow(/stimulusModulesWide/);
  });
});
