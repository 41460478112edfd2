// The frame of every dashboard page: where it is (studies › study › dashboard), the study's model
// and state, the views, the filter bar, and notices that change how numbers read (bad filters,
// reference inference still running).
import Link from "next/link";
import { dashboardHref } from "@/lib/analytics/dashboard-filters";
import type { DashboardContext } from "@/lib/analytics/dashboard-schemas";
import { formatCount } from "@/lib/analytics/format-metric";
import { DashboardNav } from "./dashboard-nav";
import styles from "./dashboard.module.css";
import { FilterBar } from "./filter-bar";

export function DashboardFrame({
  context,
  view,
  filters,
  search,
  filterError,
  children,
}: {
  context: DashboardContext;
  view: string;
  filters: URLSearchParams;
  /** The page's whole search string (filters and view options), for the filter bar. */
  search: string;
  filterError?: string;
  children: React.ReactNode;
}) {
  const { study, totals, options } = context;
  const usesReference = filters.get("source") === "reference" || view === "attribution";
  return (
    <div className={styles.frame}>
      <div className={styles.crumbs}>
        <Link href="/studies">Studies</Link>
        <span aria-hidden="true">›</span>
        <Link href={`/studies/${encodeURIComponent(study.id)}`}>{study.name}</Link>
        <span aria-hidden="true">›</span>
        <span>Dashboard</span>
      </div>
      <div className={styles.titleRow}>
        <h1>{study.name}</h1>
        <div className={styles.titleActions}>
          <span className="muted small">
            Model {study.modelName} · {study.status === "open" ? "open" : "closed"} · join code <span className="mono">{study.code}</span>
            {study.isDemo ? (
              <>
                {" "}
                <span className="badge warn">demo data</span>
              </>
            ) : null}
          </span>
          <Link className="button secondary" href={`/studies/${encodeURIComponent(study.id)}/export${filters.size ? `?${filters.toString()}` : ""}`}>
            Export a dataset
          </Link>
        </div>
      </div>
      <DashboardNav studyId={study.id} view={view} filters={filters} />
      <FilterBar key={search} options={options} search={search} />
      {filterError ? (
        <p className="notice error" role="alert">
          {filterError} <Link href={dashboardHref(study.id, view, new URLSearchParams())}>Clear the filters</Link>
        </p>
      ) : null}
      {usesReference && totals.referencePending > 0 ? (
        <p className="notice" role="status">
          The server reference has not run on {formatCount(totals.referencePending)} of {formatCount(totals.captures)} captures yet; numbers from reference votes will change
          as it catches up.
        </p>
      ) : null}
      {children}
    </div>
  );
}
