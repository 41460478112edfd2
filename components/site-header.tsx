import Link from "next/link";

/** The top bar of public and researcher pages (the phone capture page has its own, smaller one). */
export function SiteHeader({ children }: { children?: React.ReactNode }) {
  return (
    <header className="site-header">
      <Link href="/" className="brand">
        Parallax
      </Link>
      <nav aria-label="Main">{children}</nav>
    </header>
  );
}
