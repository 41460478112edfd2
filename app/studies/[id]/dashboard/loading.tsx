// Shown while a dashboard view computes its numbers (the researcher header stays out of it: the
// frame is drawn by each page once its data is ready).
import styles from "@/components/dashboard/dashboard.module.css";

export default function DashboardLoading() {
  return (
    <main className="page stack" aria-busy="true" aria-live="polite">
      <p className="muted">Computing the dashboard…</p>
      <div className={styles.tiles}>
        {[0, 1, 2].map((i) => (
          <div key={i} className={styles.skeleton} style={{ height: 120 }} />
        ))}
      </div>
      <div className={styles.skeleton} style={{ height: 320 }} />
    </main>
  );
}
