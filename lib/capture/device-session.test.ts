import { describe, expect, it } from "vitest";
import { DEFAULT_STUDY_SETTINGS } from "@/lib/studies/study-settings";
import type { PhoneStudy } from "@/lib/studies/study-schemas";
import {
  canonicalJoinCode,
  findTokenForStudy,
  forgetDeviceSession,
  listDeviceSessions,
  readDeviceSession,
  readSceneKey,
  saveDeviceSession,
  saveSceneKey,
  updateSessionStudy,
  type DeviceSession,
} from "./device-session";

function createStorage() {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

const study = (id: string, code: string): PhoneStudy => ({
  id,
  name: `Study ${id}`,
  description: "",
  code,
  status: "open",
  consentText: "text",
  settings: DEFAULT_STUDY_SETTINGS,
  model: {
    id: "m1",
    name: "model",
    sha256: "a".repeat(64),
    sizeBytes: 10,
    task: "image-classification",
    inputName: "input",
    outputName: "output",
    layout: "NCHW",
    inputWidth: 4,
    inputHeight: 4,
    preprocessing: { resize: "stretch", width: 4, height: 4, colorOrder: "RGB", scale: 1, mean: [0, 0, 0], std: [1, 1, 1], layout: "NCHW" },
    preprocessingId: "pp",
    labels: ["a", "b"],
    numClasses: 2,
    topK: 2,
    isBuiltin: true,
    source: null,
    // No gzipFileUrl: sessions saved before models had one must still read.
    fileUrl: "/m/x.onnx",
    createdAt: "2026-01-01T00:00:00.000Z",
  },
});

const session = (id: string, code: string): DeviceSession => ({ deviceToken: `tok-${id}`, deviceId: `dev-${id}`, joinedAt: "2026-01-01T00:00:00.000Z", study: study(id, code) });

describe("device session storage", () => {
  it("keeps the token per study, found again from the code in any spelling", () => {
    const storage = createStorage();
    saveDeviceSession(storage, session("s1", "K7Q2MX"));
    saveDeviceSession(storage, session("s2", "ABCDEF"));
    expect(canonicalJoinCode("k7q2-mx")).toBe("K7Q2MX");
    expect(readDeviceSession(storage, "k7q2-mx")?.deviceToken).toBe("tok-s1");
    expect(findTokenForStudy(storage, "s2")).toBe("tok-s2");
    expect(listDeviceSessions(storage).map((s) => s.study.id).sort()).toEqual(["s1", "s2"]);
    forgetDeviceSession(storage, "K7Q2MX");
    expect(readDeviceSession(storage, "K7Q2MX")).toBeUndefined();
    expect(findTokenForStudy(storage, "s2")).toBe("tok-s2");
  });

  it("treats unreadable or tampered entries as absent", () => {
    const storage = createStorage();
    storage.setItem("parallax.device.v1.K7Q2MX", "{not json");
    expect(readDeviceSession(storage, "K7Q2MX")).toBeUndefined();
    storage.setItem("parallax.device.v1.K7Q2MX", JSON.stringify({ deviceToken: "t" }));
    expect(readDeviceSession(storage, "K7Q2MX")).toBeUndefined();
    expect(listDeviceSessions(storage)).toEqual([]);
  });

  it("refreshes the study and keeps the token", () => {
    const storage = createStorage();
    const first = session("s1", "K7Q2MX");
    saveDeviceSession(storage, first);
    updateSessionStudy(storage, first, { ...first.study, name: "Renamed" });
    expect(readDeviceSession(storage, "K7Q2MX")).toMatchObject({ deviceToken: "tok-s1", study: { name: "Renamed" } });
  });

  it("remembers only valid scene keys", () => {
    const storage = createStorage();
    saveSceneKey(storage, "s1", "scene-7");
    saveSceneKey(storage, "s1", "../etc");
    expect(readSceneKey(storage, "s1")).toBe("scene-7");
    expect(readSceneKey(storage, "s2")).toBeUndefined();
  });
});
