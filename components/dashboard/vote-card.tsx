// One device model's vote on a scene, as the gallery and the heatmap's scene list show it: the
// photo that decided the vote (a cached thumbnail, never the original), its top-3 labels with
// probabilities, whether it is right, and what the other source (the server reference, when phones
// vote) said about the same bytes.
import Link from "next/link";
import type { VoteView } from "@/lib/analytics/dashboard-schemas";
import { formatProbability } from "@/lib/analytics/format-metric";
import styles from "./dashboard.module.css";

export function thumbnailSrc(captureId: string, size: 160 | 320 | 640 = 320): string {
  return `/api/v1/captures/${encodeURIComponent(captureId)}/thumbnail?size=${size}`;
}

const SOURCE_NAMES = { device: "Phone", reference: "Reference" } as const;

export function VoteCard({ vote, href, isMajority, sceneKey, source }: { vote: VoteView; href: string; isMajority?: boolean; sceneKey: string; source: "device" | "reference" }) {
  const top = vote.top.slice(0, 3);
  const counterpart = vote.counterpart;
  const counterpartTop = counterpart?.top[0];
  const mark = vote.isCorrect === null ? "" : vote.isCorrect ? "✓ " : "✗ ";
  return (
    <div className={styles.vote} data-majority={isMajority === undefined ? undefined : String(isMajority)} data-testid="vote" data-model={vote.deviceModel}>
      <Link href={href} aria-label={`${vote.deviceModel}'s photo of ${sceneKey}`}>
        {/* Plain <img>: the thumbnail endpoint already resizes and caches; next/image would re-encode it. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img className={styles.thumb} src={thumbnailSrc(vote.captureId)} alt={`${vote.deviceModel}: photo of ${sceneKey}`} width={158} height={118} loading="lazy" decoding="async" />
      </Link>
      <div className={styles.voteModel}>{vote.deviceModel}</div>
      <ol className={styles.topList} aria-label={`${vote.deviceModel} top-3`}>
        {top.map((entry, index) => (
          <li key={entry.index} title={`${entry.label} (class ${entry.index}): ${formatProbability(entry.prob)}`}>
            <span>
              {index === 0 ? mark : `${index + 1}. `}
              {entry.label}
            </span>
            <span>{formatProbability(entry.prob)}</span>
          </li>
        ))}
        {top.length === 0 ? (
          <li>
            <span>
              {mark}
              {vote.labelName ?? `class ${vote.label}`}
            </span>
            <span />
          </li>
        ) : null}
      </ol>
      {vote.captures > 1 ? (
        <div className="muted">
          {vote.capturesForLabel} / {vote.captures} captures say this
        </div>
      ) : null}
      {counterpart ? (
        <div className={styles.reference} title={counterpart.top.map((e) => `${e.label} ${formatProbability(e.prob)}`).join(", ")}>
          {SOURCE_NAMES[counterpart.source]}: {counterpartTop ? `${counterpartTop.label} ${formatProbability(counterpartTop.prob)}` : `class ${counterpart.top1Index}`}{" "}
          {counterpart.top1Index === vote.label ? "(same)" : <strong>(differs)</strong>}
        </div>
      ) : (
        <div className={styles.reference}>{source === "device" ? "No reference result yet" : "No phone prediction"}</div>
      )}
    </div>
  );
}
