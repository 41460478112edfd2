import { describe, expect, it } from "vitest";
import { csvHref, dashboardHref, pickFilterParams, readDashboardQuery, readListFilter, toExclusiveDay, toFromDay, toInclusiveDay } from "./dashboard-filters";

describe("dashboard filters in the URL", () => {
  it("keeps only filter keys, in a fixed order, without defaults", () => {
    const picked = pickFilterParams({ page: "3", k: "5", source: "device", deviceModels: "pixel-7,sm-s911b", from: "2026-03-01", a: "x", backends: ["wasm", "webgpu"] });
    expect(picked.toString()).toBe("from=2026-03-01&deviceModels=pixel-7%2Csm-s911b&backends=wasm");
    expect(pickFilterParams(new URLSearchParams("k=3&source=reference&to=")).toString()).toBe("source=reference&k=3");
  });

  it("reads the analytics query, or says which filter is wrong", () => {
    const ok = readDashboardQuery({ deviceModels: "a, b", k: "3", source: "reference", from: "2026-03-01", sort: "scene" });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.query).toEqual({ deviceModels: ["a", "b"], k: 3, source: "reference", from: new Date("2026-03-01T00:00:00Z") });
    const bad = readDashboardQuery({ k: "0" });
    expect(bad).toMatchObject({ ok: false });
    if (!bad.ok) expect(bad.message).toContain("“k”");
    expect(readDashboardQuery({ source: "phone" })).toMatchObject({ ok: false });
    expect(readDashboardQuery({ from: "yesterday" })).toMatchObject({ ok: false });
  });

  it("builds page and CSV links that carry the filters", () => {
    const filters = new URLSearchParams("deviceModels=a,b&k=3");
    expect(dashboardHref("s 1", "pairwise", filters, { a: "a", b: "b" })).toBe("/studies/s%201/dashboard/pairwise?deviceModels=a%2Cb&k=3&a=a&b=b");
    expect(dashboardHref("s1", "", new URLSearchParams())).toBe("/studies/s1/dashboard");
    expect(csvHref("s1", "heatmap", filters)).toBe("/api/v1/studies/s1/analytics/heatmap?deviceModels=a%2Cb&k=3&format=csv");
    expect(csvHref("s1", "breakdown", filters, { by: "os", page: undefined })).toBe("/api/v1/studies/s1/analytics/breakdown?deviceModels=a%2Cb&k=3&by=os&format=csv");
    expect(readListFilter(filters, "deviceModels")).toEqual(["a", "b"]);
    expect(readListFilter(filters, "backends")).toEqual([]);
  });

  it("shows the exclusive `to` instant as the inclusive day of a date input, and back", () => {
    expect(toInclusiveDay("2026-03-06")).toBe("2026-03-05");
    expect(toExclusiveDay("2026-03-05")).toBe("2026-03-06");
    expect(toExclusiveDay("2026-12-31")).toBe("2027-01-01");
    expect(toInclusiveDay(toExclusiveDay("2026-02-28"))).toBe("2026-02-28");
    expect(toFromDay("2026-03-01T00:00:00.000Z")).toBe("2026-03-01");
    expect(toInclusiveDay("nonsense")).toBe("");
    expect(toExclusiveDay("")).toBe("");
  });
});
