// A dashboard chart's frame: heading, what it shows (also its text alternative), the CSV download
// of its numbers, the chart, and the same numbers as a table behind a toggle.
import styles from "./dashboard.module.css";

export function ChartCard({
  title,
  description,
  csvHref,
  table,
  children,
  testId,
  id,
}: {
  title: string;
  /** One or two sentences saying what the chart shows, with its key numbers (read by screen readers too). */
  description: string;
  csvHref?: string;
  /** The chart's numbers as a table (the chart's text alternative). */
  table?: React.ReactNode;
  children: React.ReactNode;
  testId?: string;
  id?: string;
}) {
  return (
    <section className={`card ${styles.chartCard}`} data-testid={testId} id={id} aria-label={title}>
      <div className={styles.chartHead}>
        <h2>{title}</h2>
        {csvHref ? (
          <div className={styles.chartActions}>
            <a href={csvHref} download>
              Download CSV
            </a>
          </div>
        ) : null}
      </div>
      <p className={styles.chartDescription}>{description}</p>
      {children}
      {table ? (
        <details className={styles.tableToggle}>
          <summary>Show as table</summary>
          <div className="table-scroll">{table}</div>
        </details>
      ) : null}
    </section>
  );
}

/** A right-aligned numeric table cell. */
export function Num({ children }: { children: React.ReactNode }) {
  return <td className={styles.numeric}>{children}</td>;
}
