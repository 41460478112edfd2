// Dataset export of a study: the researcher picks the scenes (divergent only by default), device
// models, dates, capture methods, backends and whether photos are included, sees the size
// estimate, then downloads the ZIP with its progress. Filters in the address (as the dashboards
// write them) are taken as the starting point.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ExportForm, type ExportFormInitial } from "@/components/export/export-form";
import { ResearcherPage } from "@/components/researcher/researcher-page";
import { readListFilter, toFromDay, toInclusiveDay, type SearchParamsRecord } from "@/lib/analytics/dashboard-filters";
import { getDashboardContext } from "@/lib/analytics/get-dashboard-context";
import { AppError } from "@/lib/api/app-error";
import { getDatabase } from "@/lib/db/database";

export const metadata: Metadata = { title: "Export dataset" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<SearchParamsRecord> };

async function ExportView({ studyId, searchParams }: { studyId: string; searchParams: SearchParamsRecord }) {
  const { sql } = await getDatabase();
  const context = await getDashboardContext(sql, studyId).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(searchParams)) if (typeof value === "string") search.set(key, value);
  const initial: ExportFormInitial = {
    divergentOnly: search.get("divergentOnly") !== "false",
    images: search.get("images") !== "false",
    deviceModels: readListFilter(search, "deviceModels"),
    backends: readListFilter(search, "backends"),
    captureMethods: readListFilter(search, "captureMethods"),
    fromDay: toFromDay(search.get("from")),
    toDay: toInclusiveDay(search.get("to")),
  };
  const base = `/studies/${encodeURIComponent(studyId)}`;
  return (
    <>
      <nav className="small" aria-label="Breadcrumb">
        <Link href={base}>{context.study.name}</Link> · <Link href={`${base}/dashboard`}>Dashboard</Link>
      </nav>
      <h1>Export a dataset</h1>
      <p className="muted">
        A ZIP of photos grouped by scene (<span className="mono">images/&lt;scene&gt;/&lt;device model&gt;__&lt;capture&gt;.jpg</span>) with{" "}
        <span className="mono">metadata.jsonl</span> for Hugging Face <span className="mono">imagefolder</span>, <span className="mono">predictions.csv</span>,{" "}
        <span className="mono">scenes.csv</span> and a dataset card. It lists what the database held when the download started.
      </p>
      <ExportForm studyId={studyId} studyName={context.study.name} options={context.options} totalCaptures={context.totals.captures} initial={initial} />
    </>
  );
}

export default async function ExportPage({ params, searchParams }: Props) {
  const { id } = await params;
  const sp = await searchParams;
  return (
    <ResearcherPage path={`/studies/${encodeURIComponent(id)}/export`}>
      <ExportView studyId={id} searchParams={sp} />
    </ResearcherPage>
  );
}
