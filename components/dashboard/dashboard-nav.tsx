// The dashboard's views as tabs; every link keeps the current filters.
import Link from "next/link";
import { DASHBOARD_VIEWS, dashboardHref } from "@/lib/analytics/dashboard-filters";
import styles from "./dashboard.module.css";

export function DashboardNav({ studyId, view, filters }: { studyId: string; view: string; filters: URLSearchParams }) {
  return (
    <nav className={styles.nav} aria-label="Dashboard views">
      {DASHBOARD_VIEWS.map((item) => (
        <Link key={item.slug} href={dashboardHref(studyId, item.slug, filters)} aria-current={item.slug === view ? "page" : undefined}>
          {item.title}
        </Link>
      ))}
    </nav>
  );
}
