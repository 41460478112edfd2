// The first step of a dataset export: one REPEATABLE READ transaction that builds the same vote
// tables as the instability report and the dashboards (same scope, same filters, same vote rule),
// takes the headline metrics from them, and fixes the export's snapshot: the scenes (with every
// device model's vote and the instability flags), the ordered list of captures to write, and the
// highest prediction id then visible. Everything the archive lists comes from this snapshot, so
// captures arriving while the archive streams never appear in it. Holds one small record per
// capture (id, scene, device model, size), never image bytes.
import "server-only";
import { resolveStudyScope, type AppliedFilters } from "@/lib/analytics/study-scope";
import type { SqlDriver, SqlExecutor } from "@/lib/db/sql-driver";
import { assembleInstabilityReport, DEFAULT_TOP_K, type InstabilityReport } from "@/lib/instability/compute-instability-report";
import { inOneSnapshot, prepareVoteTables } from "@/lib/instability/sql/prepare-vote-tables";
import { queryInstabilityCounts, voteTableRows } from "@/lib/instability/sql/query-instability-counts";
import { readCount } from "@/lib/instability/sql/read-count";
import { compareKeys } from "@/lib/instability/types";
import type { ExportOptions } from "./export-schemas";
import { createSafeNamer } from "./safe-file-names";

export type ExportVote = { deviceModel: string; label: number; labelName: string | null; captures: number };

export type ExportScene = {
  sceneId: string;
  key: string;
  /** The scene's folder under images/ (a safe name). */
  folder: string;
  label: string | null;
  labelIndex: number | null;
  votes: number;
  distinctLabels: number;
  majorityIndex: number | null;
  isEligible: boolean;
  isUnstable: boolean;
  votesByModel: ExportVote[];
};

export type ExportCaptureRef = { captureId: string; sceneId: string; deviceModel: string; sizeBytes: number };

export type ExportPlan = {
  studyId: string;
  study: { name: string; description: string; consentText: string };
  model: { name: string; sha256: string; layout: string; inputWidth: number; inputHeight: number; topK: number; preprocessing: unknown; labels: string[] };
  options: ExportOptions;
  filters: AppliedFilters;
  /** The snapshot's instant (the transaction's start in the database). */
  snapshotAt: Date;
  /** Predictions with a higher id arrived after the snapshot and are left out. */
  maxPredictionId: number;
  /** Scenes in the export, in the study's scene order. */
  scenes: ExportScene[];
  /** Captures in the export: by scene, device model, capture time, id. */
  captures: ExportCaptureRef[];
  /** Device model keys with a vote on an exported scene, in key order. */
  deviceModels: string[];
  /** Device model key → safe file-name part. */
  modelFileNames: Map<string, string>;
  /** Sampled shape of the predictions (for the size estimate). */
  predictionShape: { meanTopLength: number; referenceShare: number };
  /** The instability report of the whole scope (all scenes, not only exported ones) at the snapshot. */
  report: InstabilityReport;
};

type StudyRow = {
  name: string;
  description: string;
  consentText: string;
  model_name: string;
  sha256: string;
  layout: string;
  inputWidth: number;
  inputHeight: number;
  topK: number;
  preprocessing: unknown;
  labels: unknown;
};
type SceneRow = {
  scene_id: string;
  key: string;
  label: string | null;
  labelIndex: unknown;
  votes: unknown;
  distinct_labels: unknown;
  majority_label: unknown;
  is_eligible: boolean;
  is_unstable: boolean;
};

const parseJson = (value: unknown): unknown => (typeof value === "string" ? (JSON.parse(value) as unknown) : value);
const optionalCount = (value: unknown) => (value === null || value === undefined ? null : readCount(value));

async function readSnapshot(tx: SqlExecutor, studyId: string, divergentOnly: boolean) {
  const sceneFilter = divergentOnly ? "s.is_unstable" : "true";
  const scenes = await tx.query<SceneRow>(
    `SELECT s.scene_id, sc.key, sc.label, sc."labelIndex", s.votes, s.distinct_labels, s.majority_label, s.is_eligible, s.is_unstable
     FROM px_scenes s JOIN "Scene" sc ON sc.seq = s.scene_seq
     WHERE ${sceneFilter}
     ORDER BY sc.position, sc.key COLLATE "C"`,
  );
  const votes = await tx.query<{ scene_id: string; model: string; label: unknown; captures: unknown }>(
    `SELECT s.scene_id, k.key AS model, v.label, v.captures
     FROM px_votes v JOIN px_scenes s ON s.scene_seq = v.scene_seq JOIN "DeviceModelKey" k ON k.seq = v.model_seq
     WHERE ${sceneFilter}`,
  );
  const captures = await tx.query<{ capture_id: string; scene_id: string; model: string; size: unknown }>(
    `SELECT o.capture_id, s.scene_id, k.key AS model, c."sizeBytes" AS size
     FROM px_obs o JOIN px_scenes s ON s.scene_seq = o.scene_seq JOIN "Scene" sc ON sc.seq = o.scene_seq
     JOIN "DeviceModelKey" k ON k.seq = o.model_seq JOIN "Capture" c ON c.id = o.capture_id
     WHERE ${sceneFilter}
     ORDER BY sc.position, sc.key COLLATE "C", k.key COLLATE "C", o.created_at, o.capture_id COLLATE "C"`,
  );
  // For the size estimate: top-list length and share of captures with a reference prediction, from a sample.
  const [sample] = await tx.query<{ top_length: unknown; reference_share: unknown }>(
    `SELECT avg(jsonb_array_length(p.top))::float8 AS top_length, avg(CASE WHEN r.id IS NULL THEN 0 ELSE 1 END)::float8 AS reference_share
     FROM (SELECT capture_id FROM px_obs LIMIT 1000) o
     JOIN "Prediction" p ON p."captureId" = o.capture_id AND p.source = 'device' AND p.variant = 'original'
     LEFT JOIN "Prediction" r ON r."captureId" = o.capture_id AND r.source = 'reference' AND r.variant = 'original'`,
  );
  const [marks] = await tx.query<{ max_id: unknown; now: Date | string }>(`SELECT max(id) AS max_id, now() AS now FROM "Prediction" WHERE "studyId" = $1`, [studyId]);
  const shape = { meanTopLength: Number(sample?.top_length ?? 0) || 0, referenceShare: Number(sample?.reference_share ?? 0) || 0 };
  return { scenes, votes, captures, shape, maxPredictionId: readCount(marks?.max_id ?? 0), snapshotAt: new Date(marks?.now ?? Date.now()) };
}

export async function planDatasetExport(sql: SqlDriver, studyId: string, options: ExportOptions): Promise<ExportPlan> {
  const { scope, filters } = await resolveStudyScope(sql, studyId, { ...options, k: DEFAULT_TOP_K });
  const [study] = await sql.query<StudyRow>(
    `SELECT s.name, s.description, s."consentText" AS "consentText", m.name AS model_name, m.sha256, m.layout, m."inputWidth" AS "inputWidth",
            m."inputHeight" AS "inputHeight", m."topK" AS "topK", m.preprocessing, m.labels
     FROM "Study" s JOIN "Model" m ON m.id = s."modelId" WHERE s.id = $1`,
    [studyId],
  );
  if (!study) throw new Error(`study ${studyId} vanished while planning its export`);
  const labelsValue = parseJson(study.labels);
  const labels = Array.isArray(labelsValue) ? labelsValue.map(String) : [];

  // One snapshot for every statement below (PostgreSQL's default would take one per statement).
  const { snapshot, report } = await inOneSnapshot(sql, async (tx) => {
    await prepareVoteTables(tx, scope, undefined, { topK: DEFAULT_TOP_K });
    const counts = await queryInstabilityCounts(tx, DEFAULT_TOP_K, voteTableRows());
    return { snapshot: await readSnapshot(tx, studyId, options.divergentOnly), report: assembleInstabilityReport(counts) };
  });

  const votesByScene = new Map<string, ExportVote[]>();
  const modelKeys = new Set<string>();
  for (const row of snapshot.votes) {
    const label = readCount(row.label);
    const vote = { deviceModel: row.model, label, labelName: labels[label] ?? null, captures: readCount(row.captures) };
    modelKeys.add(row.model);
    const list = votesByScene.get(row.scene_id);
    if (list) list.push(vote);
    else votesByScene.set(row.scene_id, [vote]);
  }
  for (const list of votesByScene.values()) list.sort((a, b) => compareKeys(a.deviceModel, b.deviceModel));

  const folderOf = createSafeNamer();
  const scenes = snapshot.scenes.map((row) => ({
    sceneId: row.scene_id,
    key: row.key,
    folder: folderOf(row.key),
    label: row.label,
    labelIndex: optionalCount(row.labelIndex),
    votes: readCount(row.votes),
    distinctLabels: readCount(row.distinct_labels),
    majorityIndex: optionalCount(row.majority_label),
    isEligible: row.is_eligible,
    isUnstable: row.is_unstable,
    votesByModel: votesByScene.get(row.scene_id) ?? [],
  }));
  const deviceModels = [...modelKeys].sort(compareKeys);
  const modelName = createSafeNamer();
  const modelFileNames = new Map(deviceModels.map((key) => [key, modelName(key)]));

  return {
    studyId,
    study: { name: study.name, description: study.description, consentText: study.consentText },
    model: {
      name: study.model_name,
      sha256: study.sha256,
      layout: study.layout,
      inputWidth: study.inputWidth,
      inputHeight: study.inputHeight,
      topK: study.topK,
      preprocessing: parseJson(study.preprocessing),
      labels,
    },
    options,
    filters,
    snapshotAt: snapshot.snapshotAt,
    maxPredictionId: snapshot.maxPredictionId,
    predictionShape: snapshot.shape,
    scenes,
    captures: snapshot.captures.map((row) => ({ captureId: row.capture_id, sceneId: row.scene_id, deviceModel: row.model, sizeBytes: readCount(row.size) })),
    deviceModels,
    modelFileNames,
    report,
  };
}
