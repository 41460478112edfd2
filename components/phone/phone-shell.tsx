"use client";
// The frame of every volunteer screen: a small top bar with the study's name, the three tabs
// (capture, my captures, settings) and the upload status line, once the phone has joined.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { OutboxBar } from "./outbox-bar";
import { usePhone } from "./phone-provider";
import styles from "./phone.module.css";

export function PhoneShell({ children }: { children: React.ReactNode }) {
  const { code, status, session, preview } = usePhone();
  const pathname = usePathname();
  const base = `/join/${encodeURIComponent(code)}`;
  const tabs = [
    { href: base, label: "Capture" },
    { href: `${base}/captures`, label: "My captures" },
    { href: `${base}/settings`, label: "Settings" },
  ];
  return (
    <div className={styles.shell}>
      <header className={styles.bar}>
        <Link href="/" className={styles.brand}>
          Parallax
        </Link>
        <span className={styles.studyName}>{session?.study.name ?? preview?.name ?? ""}</span>
      </header>
      {status === "joined" && (
        <>
          <nav className={styles.tabs} aria-label="Study">
            {tabs.map((tab) => (
              <Link key={tab.href} href={tab.href} className={styles.tab} aria-current={pathname === tab.href ? "page" : undefined}>
                {tab.label}
              </Link>
            ))}
          </nav>
          <OutboxBar />
        </>
      )}
      <main className={styles.main}>{children}</main>
    </div>
  );
}
