// Every dashboard page's body: first a cheap check that the study (and scene) exists — before any
// byte is streamed, so an unknown address answers 404 with the dashboard's not-found page — then
// the view itself behind a skeleton while its numbers are computed.
import "server-only";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { hasDashboardTarget } from "@/lib/analytics/has-dashboard-target";
import { getDatabase } from "@/lib/db/database";
import styles from "./dashboard.module.css";

export function DashboardSkeleton() {
  return (
    <div className="stack" aria-busy="true" aria-live="polite" data-testid="dashboard-loading">
      <p className="muted">Computing the dashboard…</p>
      <div className={styles.tiles}>
        {[0, 1, 2].map((i) => (
          <div key={i} className={styles.skeleton} style={{ height: 120 }} />
        ))}
      </div>
      <div className={styles.skeleton} style={{ height: 320 }} />
    </div>
  );
}

export async function DashboardGate({ studyId, sceneId, children }: { studyId: string; sceneId?: string; children: React.ReactNode }) {
  const { sql } = await getDatabase();
  if (!(await hasDashboardTarget(sql, studyId, sceneId))) notFound();
  return <Suspense fallback={<DashboardSkeleton />}>{children}</Suspense>;
}
