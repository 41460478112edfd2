// A headline number: what it is, the value, and the counts (and interval) it came from.
import styles from "./dashboard.module.css";

export function MetricTile({ label, value, detail, testId, note }: { label: string; value: string; detail?: string; testId?: string; note?: string }) {
  return (
    <div className={`card ${styles.tile}`} data-testid={testId}>
      <span className={styles.tileLabel}>{label}</span>
      <span className={styles.tileValue} data-part="value">
        {value}
      </span>
      {detail ? (
        <span className={styles.tileDetail} data-part="detail">
          {detail}
        </span>
      ) : null}
      {note ? <span className={styles.tileDetail}>{note}</span> : null}
    </div>
  );
}

/** A small count ("Captures 1,234"). */
export function CountTile({ label, value, testId, detail }: { label: string; value: string; testId?: string; detail?: string }) {
  return (
    <div className={`card ${styles.tile} ${styles.count}`} data-testid={testId}>
      <span className={styles.tileLabel}>{label}</span>
      <span className={styles.tileValue} data-part="value">
        {value}
      </span>
      {detail ? <span className={styles.tileDetail}>{detail}</span> : null}
    </div>
  );
}
