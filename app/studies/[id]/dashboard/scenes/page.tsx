// The divergent-scene gallery: each unstable scene (or every eligible one) as a row of its photos,
// one per device model — the photo that decided that model's vote — with top-3 labels and
// probabilities and the server reference's answer on the same bytes. Sortable, filterable by scene
// key and class, paged; every row links to the scene's own page.
import type { Metadata } from "next";
import Link from "next/link";
import { DashboardFrame } from "@/components/dashboard/dashboard-frame";
import { dashboardViewPage } from "@/components/dashboard/dashboard-view-page";
import styles from "@/components/dashboard/dashboard.module.css";
import { EmptyState } from "@/components/dashboard/empty-state";
import { loadDashboard } from "@/components/dashboard/load-dashboard";
import { VoteCard } from "@/components/dashboard/vote-card";
import { csvHref, dashboardHref, type SearchParamsRecord } from "@/lib/analytics/dashboard-filters";
import { divergentScenesQuerySchema, GALLERY_SORTS } from "@/lib/analytics/dashboard-schemas";
import { formatCount, formatRatio } from "@/lib/analytics/format-metric";
import { getClassInstability } from "@/lib/analytics/get-study-charts";
import { listDivergentScenes } from "@/lib/analytics/list-divergent-scenes";

export const metadata: Metadata = { title: "Divergent scenes · Dashboard" };
export const dynamic = "force-dynamic";

const SORT_NAMES: Record<(typeof GALLERY_SORTS)[number], string> = {
  divergence: "Most divergent first",
  confidence: "Least confident first",
  recent: "Most recent first",
  scene: "Study order",
};
const GALLERY_KEYS = ["show", "sort", "q", "class", "page", "pageSize"] as const;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

async function Gallery({ studyId, searchParams }: { studyId: string; searchParams: SearchParamsRecord }) {
  const { sql, parsed, frame } = await loadDashboard(studyId, "scenes", searchParams);
  if (!parsed.ok) return <DashboardFrame {...frame} filterError={parsed.message}>{null}</DashboardFrame>;
  const { query, filters } = parsed;
  const options = Object.fromEntries(GALLERY_KEYS.flatMap((key) => (one(searchParams[key]) ? [[key, one(searchParams[key])!]] : [])));
  const galleryQuery = divergentScenesQuerySchema.safeParse({ ...Object.fromEntries(filters.entries()), ...options });
  if (!galleryQuery.success) {
    return (
      <DashboardFrame {...frame} filterError={`The gallery option “${galleryQuery.error.issues[0]?.path.join(".")}” in this address is not valid.`}>
        {null}
      </DashboardFrame>
    );
  }
  const gallery = (await listDivergentScenes(sql, studyId, galleryQuery.data)).body;
  const classes = (await getClassInstability(sql, studyId, query)).body.classes.filter((c) => c.eligibleScenes > 0);
  const pages = Math.max(1, Math.ceil(gallery.total / gallery.pageSize));
  const keep = { show: options.show, sort: options.sort, q: options.q, class: options.class, pageSize: options.pageSize };
  const pageHref = (page: number) => dashboardHref(studyId, "scenes", filters, { ...keep, page: page > 1 ? page : undefined });
  const showing = gallery.show === "unstable" ? "unstable scenes" : "eligible scenes";

  return (
    <DashboardFrame {...frame}>
      <section className="card stack" aria-label="Gallery options">
        <form className={styles.galleryControls} method="get" action={dashboardHref(studyId, "scenes", new URLSearchParams())}>
          {[...filters.entries()].map(([key, value]) => (
            <input key={key} type="hidden" name={key} value={value} />
          ))}
          <div className="field">
            <label htmlFor="gallery-show">Show</label>
            <select id="gallery-show" name="show" defaultValue={gallery.show}>
              <option value="unstable">Unstable scenes</option>
              <option value="eligible">All eligible scenes</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="gallery-sort">Sort</label>
            <select id="gallery-sort" name="sort" defaultValue={gallery.sort}>
              {GALLERY_SORTS.map((sort) => (
                <option key={sort} value={sort}>
                  {SORT_NAMES[sort]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="gallery-class">Class (truth or any vote)</label>
            <select id="gallery-class" name="class" defaultValue={galleryQuery.data.class === undefined ? "" : String(galleryQuery.data.class)}>
              <option value="">Any class</option>
              {classes.map((c) => (
                <option key={c.classIndex} value={c.classIndex}>
                  {c.label ?? `class ${c.classIndex}`}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="gallery-q">Scene key contains</label>
            <input id="gallery-q" name="q" type="search" defaultValue={galleryQuery.data.q ?? ""} />
          </div>
          <button type="submit" className="button">
            Show
          </button>
        </form>
        <div className={styles.pager}>
          <span data-testid="gallery-total">
            {formatCount(gallery.total)} {showing}
            {gallery.total > gallery.pageSize ? ` · page ${gallery.page} of ${pages}` : ""}
          </span>
          <a href={csvHref(studyId, "scenes", filters, keep)} download>
            Download CSV (this page)
          </a>
        </div>
      </section>

      {gallery.scenes.length === 0 ? (
        <EmptyState
          title={gallery.total === 0 ? `No ${showing}` : "Past the last page"}
          action={gallery.total === 0 ? { href: dashboardHref(studyId, "", filters), label: "Back to the overview" } : { href: pageHref(1), label: "First page" }}
        >
          {gallery.total === 0 && gallery.show === "unstable"
            ? "Every eligible scene under these filters has the same vote from every device model."
            : "Nothing matches these options."}
        </EmptyState>
      ) : null}

      {gallery.scenes.map((scene) => {
        const sceneHref = dashboardHref(studyId, `scenes/${encodeURIComponent(scene.sceneId)}`, filters);
        const byModel = new Map(scene.votesByModel.map((vote) => [vote.deviceModel, vote]));
        return (
          <section key={scene.sceneId} className={`card ${styles.sceneRow}`} data-testid="gallery-scene" data-scene={scene.sceneKey} aria-label={`Scene ${scene.sceneKey}`}>
            <div className={styles.sceneHead}>
              <h3>
                <Link href={sceneHref}>{scene.sceneKey}</Link>
              </h3>
              <span className="small muted">
                {scene.distinctLabels} labels from {scene.votes} device models · majority {scene.majority.label ?? `class ${scene.majority.index}`} (
                {formatRatio({ numerator: scene.majority.votes, denominator: scene.votes, value: scene.majority.votes / scene.votes }, "votes")})
                {scene.groundTruth ? ` · ground truth ${scene.groundTruth.label ?? `class ${scene.groundTruth.index}`}` : " · no ground truth"}
                {scene.isCorrectnessMixed ? " · some right, some wrong" : ""}
              </span>
            </div>
            <div className={styles.photoRow}>
              {gallery.deviceModels.map((model) => {
                const vote = byModel.get(model);
                if (!vote) return null;
                return <VoteCard key={model} vote={vote} href={`${sceneHref}#capture-${vote.captureId}`} sceneKey={scene.sceneKey} isMajority={vote.label === scene.majority.index} source={gallery.source} />;
              })}
            </div>
          </section>
        );
      })}

      {pages > 1 ? (
        <nav className={styles.pager} aria-label="Gallery pages">
          {gallery.page > 1 ? <Link href={pageHref(gallery.page - 1)}>← Previous page</Link> : <span />}
          <span className="muted small">
            Page {gallery.page} of {pages}
          </span>
          {gallery.page < pages ? <Link href={pageHref(gallery.page + 1)}>Next page →</Link> : <span />}
        </nav>
      ) : null}
    </DashboardFrame>
  );
}

export default dashboardViewPage("scenes", Gallery);
