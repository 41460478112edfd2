// An unknown study or scene in a dashboard address.
import Link from "next/link";

export default function DashboardNotFound() {
  return (
    <main className="page-narrow stack">
      <h1>Not found</h1>
      <p>There is no such study or scene, or it has been deleted.</p>
      <Link className="button secondary" href="/studies">
        All studies
      </Link>
    </main>
  );
}
