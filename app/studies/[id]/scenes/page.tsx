// A study's scenes for a controlled session: upload a stimulus set (ZIP of images, optional
// labels.csv), open the display, and see per scene which device models captured it and whether
// the session has enough coverage (?target=N device models per scene).
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ResearcherPage } from "@/components/researcher/researcher-page";
import { AppError } from "@/lib/api/app-error";
import { getCurrentResearcher } from "@/lib/auth/current-researcher";
import { getPrisma } from "@/lib/db/database";
import { coverageQuerySchema } from "@/lib/display/display-schemas";
import { getSceneCoverage } from "@/lib/display/scene-coverage";
import { getStudyById } from "@/lib/studies/get-study";
import { StimulusUpload } from "./stimulus-upload";
import styles from "./scenes.module.css";

export const metadata: Metadata = { title: "Scenes" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

function formatTime(iso: string | null): string {
  return iso ? new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC" : "—";
}

async function ScenesContent({ id, target }: { id: string; target: number }) {
  const prisma = await getPrisma();
  const researcher = await getCurrentResearcher();
  const study = await getStudyById(prisma, id).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const coverage = await getSceneCoverage(prisma, id, target);
  const studyPath = `/studies/${encodeURIComponent(id)}`;
  const withStimulus = coverage.scenes.filter((scene) => scene.hasStimulus).length;
  return (
    <>
      <p className="small">
        <Link href={studyPath}>← {study.name}</Link>
      </p>
      <h1>Scenes and controlled sessions</h1>
      <section className={`card stack ${styles.actions}`} aria-label="Stimuli and display">
        <div className="stack">
          <h2>Stimulus set</h2>
          <p className="small muted">
            A ZIP of JPEG, PNG or WebP images; each becomes a scene named after its file. An optional <span className="mono">labels.csv</span> with rows{" "}
            <span className="mono">file,label</span> gives ground truth. A bad file or a row naming a missing file refuses the whole ZIP.
          </p>
          <StimulusUpload studyId={id} csrfToken={researcher?.csrfToken ?? ""} />
        </div>
        <div className="stack">
          <h2>Display</h2>
          <p className="small muted">
            Open on the monitor the phones photograph: each stimulus framed by QR codes naming its scene. Phones that joined follow the screen. Keys: → next, ← back, T timer, F
            full screen.
          </p>
          <p>
            <a className="button" href={`/display/${encodeURIComponent(id)}`} target="_blank" rel="noreferrer" data-testid="open-display">
              Open the display
            </a>
          </p>
        </div>
      </section>
      <section className="card stack" aria-label="Coverage">
        <div className={styles.coverageHead}>
          <h2>Coverage</h2>
          <form className="row" method="get">
            <label className="small" htmlFor="target">
              Covered at
            </label>
            <input id="target" name="target" type="number" min={1} max={100} defaultValue={target} className={styles.targetInput} />
            <span className="small">device models</span>
            <button className="button secondary" type="submit">
              Apply
            </button>
          </form>
        </div>
        <p data-testid="coverage-summary">
          <strong>
            {coverage.coveredScenes} of {coverage.scenes.length}
          </strong>{" "}
          scenes captured by at least {target} device model{target === 1 ? "" : "s"} · {withStimulus} with a stimulus · {coverage.deviceModels.length} device model
          {coverage.deviceModels.length === 1 ? "" : "s"} so far
        </p>
        {coverage.scenes.length === 0 ? (
          <p className="muted">No scenes yet: upload a stimulus set, or let phones type scene codes.</p>
        ) : (
          <div className="table-scroll">
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">Scene</th>
                  <th scope="col">Label</th>
                  <th scope="col">Device models</th>
                  <th scope="col" className={styles.number}>
                    Phones
                  </th>
                  <th scope="col" className={styles.number}>
                    Captures
                  </th>
                  <th scope="col">Last capture</th>
                  <th scope="col">Coverage</th>
                </tr>
              </thead>
              <tbody>
                {coverage.scenes.map((scene) => (
                  <tr key={scene.id} data-testid="coverage-row" data-scene-key={scene.key} data-covered={scene.isCovered}>
                    <td className={`mono ${styles.key}`}>
                      {scene.key}
                      {scene.hasStimulus ? "" : <span className="muted small"> (no image)</span>}
                    </td>
                    <td>{scene.label ?? <span className="muted">—</span>}</td>
                    <td>
                      <div className={styles.models}>
                      {scene.deviceModels.length === 0 ? (
                        <span className="muted">none yet</span>
                      ) : (
                        scene.deviceModels.map((model) => (
                          <span key={model.key} className="badge" title={`${model.captures} capture${model.captures === 1 ? "" : "s"}`}>
                            {model.key} ×{model.captures}
                          </span>
                        ))
                      )}
                      </div>
                    </td>
                    <td className={styles.number}>{scene.devices}</td>
                    <td className={styles.number}>{scene.captures}</td>
                    <td className="small">{formatTime(scene.lastCaptureAt)}</td>
                    <td>
                      {scene.isCovered ? (
                        <span className="badge ok">covered</span>
                      ) : (
                        <span className="badge warn">
                          {scene.deviceModels.length}/{target}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

export default async function ScenesPage({ params, searchParams }: Props) {
  const { id } = await params;
  const query = await searchParams;
  const parsed = coverageQuerySchema.safeParse({ target: typeof query.target === "string" ? query.target : undefined });
  const target = parsed.success ? parsed.data.target : 3;
  return (
    <ResearcherPage path={`/studies/${encodeURIComponent(id)}/scenes`}>
      <ScenesContent id={id} target={target} />
    </ResearcherPage>
  );
}
