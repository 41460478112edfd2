"use client";
// A study's live view: counters, the newest captures as thumbnails with device model and top-1,
// and the devices with how each was identified. Starts from the server-rendered snapshot and polls
// GET /api/v1/studies/{id}/live every few seconds while the tab is visible. Devices whose
// volunteer asked for deletion come first, with a button that deletes their data.
import { useCallback, useEffect, useState } from "react";
import { studyLiveSchema, type StudyLive } from "@/lib/studies/workspace-schemas";
import { DeviceCard } from "./device-card";
import { formatUtc, plural } from "./format-workspace";
import { callWorkspaceApi } from "./workspace-api";
import styles from "./workspace.module.css";

const POLL_MS = 3000;

export function StudyLivePanel({ initial }: { initial: StudyLive }) {
  const [live, setLive] = useState(initial);
  const [stale, setStale] = useState(false);
  const studyId = initial.studyId;

  const refresh = useCallback(async () => {
    try {
      setLive(await callWorkspaceApi(studyLiveSchema, `/api/v1/studies/${encodeURIComponent(studyId)}/live`));
      setStale(false);
    } catch {
      setStale(true);
    }
  }, [studyId]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      if (document.visibilityState === "visible") await refresh();
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    timer = setTimeout(tick, POLL_MS);
    const onVisible = () => {
      if (document.visibilityState === "visible") void refresh();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [refresh]);

  const { counts } = live;
  const counters = [
    { key: "devices", label: "devices", value: counts.devices },
    { key: "deviceModels", label: "device models", value: counts.deviceModels },
    { key: "captures", label: "captures", value: counts.captures },
    { key: "scenes", label: "scenes", value: counts.scenes },
    { key: "deletionRequests", label: "deletion requests", value: counts.deletionRequests },
  ];

  return (
    <div className="stack" data-testid="study-live" data-captures={counts.captures}>
      <section aria-label="Counters" className={styles.counters}>
        {counters.map((counter) => (
          <div key={counter.key} className={styles.counter} data-alert={counter.key === "deletionRequests" && counter.value > 0} data-testid={`count-${counter.key}`}>
            <span className={styles.counterValue}>{counter.value.toLocaleString("en-US")}</span>
            <span className={styles.counterLabel}>{counter.label}</span>
          </div>
        ))}
      </section>
      <p className="small muted" role="status">
        Last activity {formatUtc(live.lastActivityAt)} · updates every {POLL_MS / 1000} s{stale ? " · the server could not be reached, retrying" : ""}
      </p>

      <section className="card stack" aria-labelledby="recent-heading">
        <div className={styles.sectionHead}>
          <h2 id="recent-heading">Recent captures</h2>
          <span className="small muted">newest first</span>
        </div>
        {live.recentCaptures.length === 0 ? (
          <p className="muted">No photos yet. They appear here within seconds of a phone uploading them.</p>
        ) : (
          <ul className={styles.captureGrid} aria-label="Recent captures">
            {live.recentCaptures.map((capture) => (
              <li key={capture.id} className={styles.captureTile} data-testid="recent-capture" data-capture-id={capture.id}>
                {/* eslint-disable-next-line @next/next/no-img-element -- a cookie-authenticated API thumbnail, already sized */}
                <img src={capture.thumbnailUrl} alt={`Photo of scene ${capture.sceneKey} from ${capture.deviceModelKey}`} loading="lazy" width={320} height={240} />
                <div className={styles.captureText}>
                  <span className={styles.top1} title={capture.top1?.label}>
                    {capture.top1 ? `${capture.top1.label} · ${(capture.top1.prob * 100).toFixed(0)}%` : "no prediction"}
                  </span>
                  <span title={capture.deviceModelKey}>{capture.deviceModelKey}</span>
                  <span className="muted" title={`scene ${capture.sceneKey}`}>
                    {capture.sceneKey} · {formatUtc(capture.createdAt).slice(11, 16)}
                  </span>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card stack" aria-labelledby="devices-heading">
        <div className={styles.sectionHead}>
          <h2 id="devices-heading">Devices</h2>
          <span className="small muted">
            {plural(counts.devices, "device")}
            {live.devices.length < counts.devices ? `, newest ${live.devices.length} shown` : ""}
          </span>
        </div>
        <p className="small muted" style={{ margin: 0 }}>
          Each device&apos;s model comes from the photo&apos;s EXIF when present, else the browser&apos;s UA Client Hints, else its User-Agent.
          {counts.deletionRequests > 0 ? " Volunteers who asked for their data to be deleted are listed first; deleting honours the request." : ""}
        </p>
        {live.devices.length === 0 ? (
          <p className="muted">No phone has joined yet.</p>
        ) : (
          <ul className={styles.deviceGrid} aria-label="Devices">
            {live.devices.map((device) => (
              <DeviceCard key={device.id} device={device} onDeleted={refresh} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
