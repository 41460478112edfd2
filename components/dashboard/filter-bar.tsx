"use client";
// The dashboards' filter bar: capture date range, device models, backends, capture methods, whose
// votes (phones or server reference) and k. Applying it rewrites the URL's filter keys (and drops
// the page number), so every view, link and CSV download follows; other view options in the URL
// (sort, selected pair) stay. On a phone the form folds away behind a button; the line above it
// always says which filters are on.
import { usePathname, useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { DASHBOARD_FILTER_KEYS, toExclusiveDay, toFromDay, toInclusiveDay } from "@/lib/analytics/dashboard-filters";
import styles from "./dashboard.module.css";

export type FilterOptions = { deviceModels: string[]; backends: string[]; captureMethods: string[]; firstCaptureAt: string | null; lastCaptureAt: string | null };

type ListKey = "deviceModels" | "backends" | "captureMethods";
const LIST_LABELS: Record<ListKey, { label: string; all: string }> = {
  deviceModels: { label: "Device models", all: "All device models" },
  backends: { label: "Backend", all: "All backends" },
  captureMethods: { label: "Capture method", all: "All methods" },
};

function readList(search: URLSearchParams, key: ListKey): string[] {
  return (search.get(key) ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

function MultiSelect({ name, options, selected, onChange }: { name: ListKey; options: string[]; selected: string[]; onChange: (next: string[]) => void }) {
  const { label, all } = LIST_LABELS[name];
  const summary = selected.length === 0 || selected.length === options.length ? all : selected.length === 1 ? selected[0] : `${selected.length} selected`;
  return (
    <div className="field">
      <span className={styles.legend} id={`filter-${name}-label`}>
        {label}
      </span>
      <details className={styles.multi}>
        <summary>
          <span className="visually-hidden">{label}: </span>
          {summary}
        </summary>
        <div className={styles.multiList} role="group" aria-labelledby={`filter-${name}-label`}>
          {options.length === 0 ? <span className="muted small">None recorded yet</span> : null}
          {options.map((option) => (
            <label key={option}>
              <input
                type="checkbox"
                name={name}
                value={option}
                checked={selected.includes(option)}
                onChange={(event) => onChange(event.target.checked ? [...selected, option] : selected.filter((item) => item !== option))}
              />
              {option}
            </label>
          ))}
        </div>
      </details>
    </div>
  );
}

export function FilterBar({ options, search }: { options: FilterOptions; search: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const current = new URLSearchParams(search);
  const [from, setFrom] = useState(toFromDay(current.get("from")));
  const [to, setTo] = useState(toInclusiveDay(current.get("to")));
  const [lists, setLists] = useState<Record<ListKey, string[]>>({
    deviceModels: readList(current, "deviceModels"),
    backends: readList(current, "backends"),
    captureMethods: readList(current, "captureMethods"),
  });
  const [source, setSource] = useState(current.get("source") === "reference" ? "reference" : "device");
  const [k, setK] = useState(current.get("k") ?? "5");
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();

  const active = DASHBOARD_FILTER_KEYS.filter((key) => current.get(key));
  const summaryParts: string[] = [];
  if (current.get("from") || current.get("to")) summaryParts.push(`${toFromDay(current.get("from")) || "start"} to ${toInclusiveDay(current.get("to")) || "now"}`);
  for (const key of ["deviceModels", "backends", "captureMethods"] as const) {
    const list = readList(current, key);
    if (list.length) summaryParts.push(`${LIST_LABELS[key].label.toLowerCase()}: ${list.join(", ")}`);
  }
  if (current.get("source") === "reference") summaryParts.push("server reference votes");
  if (current.get("k")) summaryParts.push(`k = ${current.get("k")}`);

  const navigate = (next: URLSearchParams) => {
    const query = next.toString();
    startTransition(() => router.push(query ? `${pathname}?${query}` : pathname));
  };

  const apply = (event: React.FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams(search);
    for (const key of DASHBOARD_FILTER_KEYS) next.delete(key);
    next.delete("page");
    if (from) next.set("from", from);
    if (to) next.set("to", toExclusiveDay(to));
    for (const key of ["deviceModels", "backends", "captureMethods"] as const) {
      const chosen = lists[key];
      const all = options[key];
      // Everything ticked is the same as no filter.
      if (chosen.length > 0 && !(chosen.length === all.length && all.every((item) => chosen.includes(item)))) {
        next.set(key, [...chosen].sort().join(","));
      }
    }
    if (source === "reference") next.set("source", "reference");
    if (k && k !== "5") next.set("k", k);
    setOpen(false);
    navigate(next);
  };

  const clear = () => {
    const next = new URLSearchParams(search);
    for (const key of DASHBOARD_FILTER_KEYS) next.delete(key);
    next.delete("page");
    navigate(next);
  };

  return (
    <section className={`card ${styles.filters}`} aria-label="Filters">
      <div className={styles.filterHead}>
        <span className={styles.filterSummary} data-testid="filter-summary">
          <strong>Filters</strong> {summaryParts.length ? `· ${summaryParts.join(" · ")}` : "· none: every capture counts"}
        </span>
        {pending ? (
          <span className={styles.pending} role="status">
            Updating…
          </span>
        ) : null}
        <button type="button" className={`button secondary ${styles.filterToggle}`} aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "Hide filters" : `Edit filters${active.length ? ` (${active.length})` : ""}`}
        </button>
      </div>
      <form className={styles.filterForm} data-open={open} onSubmit={apply}>
        <div className="field">
          <label htmlFor="filter-from">From (UTC day)</label>
          <input id="filter-from" type="date" value={from} min={toFromDay(options.firstCaptureAt)} max={toFromDay(options.lastCaptureAt)} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="filter-to">To (UTC day, inclusive)</label>
          <input id="filter-to" type="date" value={to} min={toFromDay(options.firstCaptureAt)} max={toFromDay(options.lastCaptureAt)} onChange={(e) => setTo(e.target.value)} />
        </div>
        {(["deviceModels", "backends", "captureMethods"] as const).map((key) => (
          <MultiSelect key={key} name={key} options={options[key]} selected={lists[key]} onChange={(next) => setLists({ ...lists, [key]: next })} />
        ))}
        <div className="field">
          <label htmlFor="filter-source">Votes from</label>
          <select id="filter-source" name="source" value={source} onChange={(e) => setSource(e.target.value)}>
            <option value="device">Phones</option>
            <option value="reference">Server reference</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-k">Top-k</label>
          <input id="filter-k" name="k" type="number" min={1} max={100} value={k} onChange={(e) => setK(e.target.value)} />
        </div>
        <div className={styles.filterButtons}>
          <button type="submit" className="button">
            Apply
          </button>
          <button type="button" className="button secondary" onClick={clear} disabled={active.length === 0}>
            Clear
          </button>
        </div>
      </form>
    </section>
  );
}
