// The models registry: every registered model with its input, preprocessing, classes and studies,
// and a form to add one (validated on upload by POST /api/v1/models).
import type { Metadata } from "next";
import { ResearcherPage } from "@/components/researcher/researcher-page";
import { formatBytes, formatUtc } from "@/components/workspace/format-workspace";
import { ModelUploadForm } from "@/components/workspace/model-upload-form";
import styles from "@/components/workspace/workspace.module.css";
import { getPrisma } from "@/lib/db/database";
import { PREPROCESSING_PRESETS } from "@/lib/inference/preprocess";
import { describePreprocessing } from "@/lib/models/describe-preprocessing";
import { listModels } from "@/lib/models/register-model";

export const metadata: Metadata = { title: "Models" };
export const dynamic = "force-dynamic";

export default async function ModelsPage() {
  return (
    <ResearcherPage path="/models">
      <Models />
    </ResearcherPage>
  );
}

async function Models() {
  const prisma = await getPrisma();
  const [models, usage] = await Promise.all([listModels(prisma), prisma.study.groupBy({ by: ["modelId"], _count: { _all: true } })]);
  const studiesOf = new Map(usage.map((row) => [row.modelId, row._count._all]));
  const presets = Object.entries(PREPROCESSING_PRESETS).map(([name, spec]) => ({ name, description: describePreprocessing(spec).join("; ") }));
  return (
    <>
      <h1>Models</h1>
      <p className="muted">
        ONNX image classifiers the phones run. A new study uses the first built-in model unless you choose another.
      </p>
      <ul className={styles.deviceGrid} aria-label="Models" style={{ gridTemplateColumns: "repeat(auto-fill, minmax(min(100%, 340px), 1fr))" }}>
        {models.map((model) => (
          <li key={model.id} className={`card ${styles.modelCard}`} data-testid="model-card">
            <div className={styles.titleLine}>
              <strong style={{ overflowWrap: "anywhere" }}>{model.name}</strong>
              {model.isBuiltin ? <span className="badge">built-in</span> : null}
            </div>
            <span className="small">
              {model.numClasses.toLocaleString("en-US")} classes · input {model.inputWidth}×{model.inputHeight} · top-{model.topK} · {formatBytes(model.sizeBytes)}
            </span>
            <ul className={styles.preprocessing}>
              {describePreprocessing(model.preprocessing).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
            <span className={styles.evidence}>
              sha256 <span className="mono">{model.sha256.slice(0, 16)}…</span> · added {formatUtc(model.createdAt)} · used by {studiesOf.get(model.id) ?? 0}{" "}
              {(studiesOf.get(model.id) ?? 0) === 1 ? "study" : "studies"}
            </span>
          </li>
        ))}
      </ul>
      <ModelUploadForm presets={presets} />
    </>
  );
}
