"use client";
// The display page's screen: draws the current scene's frame (lib/display: layout, QR codes, the
// stimulus stretched into its box; the key and the live phone count as text in their boxes),
// publishes the scene it shows so joined phones follow, and advances by keyboard (→ / space / page
// down, ← / page up back, T timer, F full screen), click, or the timer. Live counts arrive as
// server-sent events. Draws at device pixels so the QR modules are crisp.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { drawDisplayScene, loadStimulusPixels } from "@/lib/display/browser/draw-display-scene";
import { displayStateSchema, type DisplayState } from "@/lib/display/display-schemas";
import { planDisplayFrame } from "@/lib/display/qr-matrix";
import type { RgbaImage } from "@/lib/display/render-display-frame";
import styles from "./display.module.css";

type Size = { width: number; height: number; ratio: number };

function readViewport(): Size {
  const ratio = window.devicePixelRatio || 1;
  return { width: Math.round(window.innerWidth * ratio), height: Math.round(window.innerHeight * ratio), ratio };
}

function statusLines(state: DisplayState, key: string | null): string[] {
  const counts = state.sceneKey === key ? state.current : null;
  const phones = counts?.devices ?? 0;
  return [String(phones), phones === 1 ? "phone" : "phones"];
}

export function DisplayScreen({ initialState, csrfToken, timerSeconds }: { initialState: DisplayState; csrfToken: string; timerSeconds: number }) {
  const [state, setState] = useState(initialState);
  const [index, setIndex] = useState(() => Math.max(0, initialState.scenes.findIndex((scene) => scene.key === initialState.sceneKey)));
  const [size, setSize] = useState<Size | null>(null);
  const [timerOn, setTimerOn] = useState(false);
  const [hintVisible, setHintVisible] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [stimulus, setStimulus] = useState<{ url: string; pixels: RgbaImage | null } | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const publishedRef = useRef<string | null>(null);
  const scenes = state.scenes;
  const scene = scenes[index] ?? null;
  const studyId = state.studyId;

  // Screen size (device pixels), kept up to date.
  useEffect(() => {
    const update = () => setSize(readViewport());
    update();
    window.addEventListener("resize", update);
    return () => window.removeEventListener("resize", update);
  }, []);

  // The stimulus's pixels (decoded once per scene).
  useEffect(() => {
    const url = scene?.stimulusUrl;
    if (!url) return;
    let cancelled = false;
    loadStimulusPixels(url).then(
      (pixels) => !cancelled && setStimulus({ url, pixels }),
      () => !cancelled && setStimulus({ url, pixels: null }),
    );
    return () => {
      cancelled = true;
    };
  }, [scene?.stimulusUrl]);
  const pixels = scene?.stimulusUrl && stimulus?.url === scene.stimulusUrl ? stimulus.pixels : null;
  const stimulusPending = Boolean(scene?.stimulusUrl) && stimulus?.url !== scene?.stimulusUrl;

  const plan = useMemo(() => {
    if (!scene || !size) return null;
    try {
      return planDisplayFrame({
        screenWidth: size.width,
        screenHeight: size.height,
        stimulusWidth: pixels?.width ?? 4,
        stimulusHeight: pixels?.height ?? 3,
        studyCode: state.studyCode,
        sceneKey: scene.key,
      });
    } catch {
      return null;
    }
  }, [scene, size, pixels, state.studyCode]);

  const lines = statusLines(state, scene?.key ?? null);
  const drawn = plan && !stimulusPending ? `${plan.sceneKey}:${lines.join(" ")}` : "";
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !plan || stimulusPending) return;
    drawDisplayScene(canvas, plan, pixels, lines);
    // lines is derived from state; its text is in `drawn`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [plan, pixels, stimulusPending, drawn]);

  // Publish the scene on the screen (phones follow it).
  useEffect(() => {
    if (!scene || publishedRef.current === scene.key) return;
    publishedRef.current = scene.key;
    const key = scene.key;
    void fetch(`/api/v1/studies/${encodeURIComponent(studyId)}/display`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
      body: JSON.stringify({ sceneKey: key }),
    })
      .then(async (response) => {
        if (!response.ok) throw new Error(`the server answered ${response.status}`);
        const next = displayStateSchema.parse(await response.json());
        setState((current) => (next.sceneKey === publishedRef.current ? next : current));
        setError(null);
      })
      .catch((e: unknown) => {
        publishedRef.current = null;
        setError(`Phones may not follow: ${e instanceof Error ? e.message : String(e)}`);
      });
  }, [scene, studyId, csrfToken]);

  // Live counts (and another display's publishes) as server-sent events.
  useEffect(() => {
    const source = new EventSource(`/api/v1/studies/${encodeURIComponent(studyId)}/display/events`);
    source.addEventListener("scene", (event) => {
      const parsed = displayStateSchema.safeParse(JSON.parse((event as MessageEvent<string>).data));
      if (!parsed.success) return;
      setState((current) => (parsed.data.sceneKey === publishedRef.current || current.sceneKey === null ? parsed.data : current));
    });
    return () => source.close();
  }, [studyId]);

  const step = useCallback((delta: number) => setIndex((current) => (scenes.length ? (current + delta + scenes.length) % scenes.length : 0)), [scenes.length]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "ArrowRight" || event.key === " " || event.key === "PageDown" || event.key === "Enter") step(1);
      else if (event.key === "ArrowLeft" || event.key === "PageUp" || event.key === "Backspace") step(-1);
      else if (event.key === "Home") setIndex(0);
      else if (event.key === "End") setIndex(Math.max(0, scenes.length - 1));
      else if (event.key === "t" || event.key === "T") setTimerOn((on) => !on);
      else if (event.key === "f" || event.key === "F") void (document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen()).catch(() => {});
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [step, scenes.length]);

  useEffect(() => {
    if (!timerOn) return;
    const timer = setInterval(() => step(1), timerSeconds * 1000);
    return () => clearInterval(timer);
  }, [timerOn, timerSeconds, step, index]);

  // The help line shows while the mouse moves and hides again (nothing extra on screen for the cameras).
  useEffect(() => {
    if (!hintVisible) return;
    const timer = setTimeout(() => setHintVisible(false), 3000);
    return () => clearTimeout(timer);
  }, [hintVisible]);

  if (!scenes.length) {
    return (
      <main className={styles.empty}>
        <h1>{state.studyName}: no scenes yet</h1>
        <p>
          Upload a stimulus set on the <a href={`/studies/${encodeURIComponent(studyId)}/scenes`}>scenes page</a> first.
        </p>
      </main>
    );
  }

  const rect = plan?.layout.stimulus;
  const ratio = size?.ratio ?? 1;
  return (
    <main className={styles.screen} onClick={() => step(1)} onMouseMove={() => setHintVisible(true)}>
      <h1 className="visually-hidden">
        Display of {state.studyName}: scene {scene?.key}
      </h1>
      <canvas
        ref={canvasRef}
        className={styles.canvas}
        data-testid="display-canvas"
        data-scene-key={scene?.key ?? ""}
        data-drawn={drawn ? "true" : "false"}
        data-phones={lines[0]}
        data-stimulus-rect={rect ? [rect.x / ratio, rect.y / ratio, rect.width / ratio, rect.height / ratio].join(",") : ""}
        aria-label={`Scene ${scene?.key ?? ""} with its QR codes`}
      />
      <p className={styles.live} aria-live="polite" data-testid="display-status">
        Scene {scene?.key} ({index + 1} of {scenes.length}), captured by {lines[0]} {lines[1]}
        {timerOn ? `, next in ${timerSeconds} s` : ""}
      </p>
      {(hintVisible || error) && (
        <div className={styles.hint} role={error ? "alert" : undefined} data-testid="display-hint">
          {error ?? `→ / click next · ← back · T timer (${timerSeconds} s) ${timerOn ? "on" : "off"} · F full screen`}
        </div>
      )}
    </main>
  );
}
