// The votes of some scenes, each with the capture that decided it, that capture's top list and the
// other source's prediction on the same bytes — read from the vote tables that
// lib/instability/sql/prepare-vote-tables.ts built in the caller's transaction. Shared by the
// pair-disagreement list and the divergent-scene gallery.
import "server-only";
import type { SqlExecutor } from "@/lib/db/sql-driver";
import { readCount } from "@/lib/instability/sql/read-count";
import { compareKeys } from "@/lib/instability/types";
import type { TopEntryView, VoteView } from "./dashboard-schemas";

/** A stored top list as the API shows it; entries that are not {index, label, prob} are dropped. */
export function readTopList(value: unknown): TopEntryView[] {
  const list = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  if (!Array.isArray(list)) return [];
  const entries: TopEntryView[] = [];
  for (const item of list) {
    if (!item || typeof item !== "object") continue;
    const { index, label, prob } = item as Record<string, unknown>;
    if (typeof index === "number" && Number.isInteger(index) && typeof prob === "number") entries.push({ index, label: typeof label === "string" ? label : String(index), prob });
  }
  return entries;
}

type VoteRow = {
  scene_id: string;
  model: string;
  label: unknown;
  captures: unknown;
  captures_for_label: unknown;
  capture_id: string;
  top: unknown;
  ground_truth: unknown;
  other_source: string | null;
  other_top1: unknown;
  other_top: unknown;
};

/**
 * Votes of `sceneIds` (optionally only of `models`), grouped by scene id, each list sorted by
 * device model key. `labels` names class indices.
 */
export async function readVoteDetails(tx: SqlExecutor, sceneIds: readonly string[], labels: readonly string[], models?: readonly string[]): Promise<Map<string, VoteView[]>> {
  const byScene = new Map<string, VoteView[]>();
  if (sceneIds.length === 0) return byScene;
  const params: unknown[] = [sceneIds];
  const modelFilter = models ? `AND k.key = ANY($${params.push(models)}::text[])` : "";
  const rows = await tx.query<VoteRow>(
    `SELECT s.scene_id, k.key AS model, v.label, v.captures, v.captures_for_label, p."captureId" AS capture_id, p.top,
            s.ground_truth, o.source AS other_source, o."top1Index" AS other_top1, o.top AS other_top
     FROM px_votes v
     JOIN px_scenes s ON s.scene_seq = v.scene_seq
     JOIN "DeviceModelKey" k ON k.seq = v.model_seq
     JOIN "Prediction" p ON p.id = v.prediction_id
     LEFT JOIN "Prediction" o ON o."captureId" = p."captureId" AND o.source <> p.source AND o.variant = 'original'
     WHERE s.scene_id = ANY($1::text[]) ${modelFilter}`,
    params,
  );
  for (const row of rows) {
    const label = readCount(row.label);
    const truth = row.ground_truth === null || row.ground_truth === undefined ? null : readCount(row.ground_truth);
    const vote: VoteView = {
      deviceModel: row.model,
      label,
      labelName: labels[label] ?? null,
      captures: readCount(row.captures),
      capturesForLabel: readCount(row.captures_for_label),
      captureId: row.capture_id,
      top: readTopList(row.top),
      isCorrect: truth === null ? null : truth === label,
      counterpart:
        row.other_source === "device" || row.other_source === "reference"
          ? { source: row.other_source, top1Index: readCount(row.other_top1), top: readTopList(row.other_top) }
          : null,
    };
    const list = byScene.get(row.scene_id);
    if (list) list.push(vote);
    else byScene.set(row.scene_id, [vote]);
  }
  for (const list of byScene.values()) list.sort((x, y) => compareKeys(x.deviceModel, y.deviceModel));
  return byScene;
}
