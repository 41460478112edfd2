// What a dashboard view says when there is nothing to show, and why.
import Link from "next/link";
import styles from "./dashboard.module.css";

export function EmptyState({ title, children, action }: { title: string; children?: React.ReactNode; action?: { href: string; label: string } }) {
  return (
    <div className={`card ${styles.empty}`} data-testid="empty-state">
      <h2>{title}</h2>
      {children ? <p>{children}</p> : null}
      {action ? (
        <Link className="button secondary" href={action.href}>
          {action.label}
        </Link>
      ) : null}
    </div>
  );
}
