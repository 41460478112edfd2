"use client";
// The live camera inside the page (only when the study allows it): a preview, one photo, or a
// burst of several photos about a second apart sharing one burst id (the within-device baseline).
import { useEffect, useRef, useState } from "react";
import { openLiveCamera, stopLiveCamera, takeBurst, takeLivePhoto } from "@/lib/capture/live-camera";
import { usePhone } from "./phone-provider";
import styles from "./phone.module.css";

export function LiveCameraPanel({ onClose }: { onClose: () => void }) {
  const { capture, session } = usePhone();
  const settings = session?.study.settings;
  const videoRef = useRef<HTMLVideoElement>(null);
  const streamRef = useRef<MediaStream | undefined>(undefined);
  const [state, setState] = useState<"opening" | "ready" | "shooting" | "error">("opening");
  const [message, setMessage] = useState<string>("Opening the camera…");

  useEffect(() => {
    let cancelled = false;
    openLiveCamera().then(
      async (stream) => {
        if (cancelled) return stopLiveCamera(stream);
        streamRef.current = stream;
        const video = videoRef.current;
        if (video) {
          video.srcObject = stream;
          await video.play().catch(() => {});
        }
        const track = stream.getVideoTracks()[0];
        const { width, height } = track?.getSettings() ?? {};
        setState("ready");
        setMessage(width && height ? `Camera on (${width}×${height}).` : "Camera on.");
      },
      (error: unknown) => {
        if (cancelled) return;
        setState("error");
        const name = (error as Error)?.name;
        setMessage(name === "NotAllowedError" ? "The camera was not allowed. Use “Take a photo” instead, or allow the camera in your browser settings." : `The camera could not be opened: ${(error as Error)?.message ?? error}`);
      },
    );
    return () => {
      cancelled = true;
      stopLiveCamera(streamRef.current);
      streamRef.current = undefined;
    };
  }, []);

  async function shoot(burst: boolean) {
    const stream = streamRef.current;
    const video = videoRef.current;
    if (!stream || !video) return;
    setState("shooting");
    try {
      if (burst && settings) {
        const burstId = crypto.randomUUID();
        await takeBurst(stream, video, {
          count: settings.burstSize,
          intervalMs: settings.burstIntervalMs,
          onShot: async (shot, index) => {
            setMessage(`Burst: photo ${index + 1} of ${settings.burstSize}…`);
            await capture({ image: shot.blob, method: "live-camera", burst: { id: burstId, index }, capturedAt: shot.takenAt });
          },
        });
        setMessage(`Burst of ${settings.burstSize} photos saved.`);
      } else {
        const shot = await takeLivePhoto(stream, video);
        await capture({ image: shot.blob, method: "live-camera", capturedAt: shot.takenAt });
        setMessage("Photo saved.");
      }
    } catch (error) {
      setMessage(`The photo could not be taken: ${(error as Error)?.message ?? error}`);
    } finally {
      setState("ready");
    }
  }

  return (
    <section className={`card ${styles.camera}`} aria-label="Live camera" data-testid="live-camera">
      <video ref={videoRef} className={styles.video} playsInline muted aria-label="Camera preview" />
      <p className={styles.hint} role="status" aria-live="polite">
        {message}
      </p>
      <div className={styles.cameraButtons}>
        <button type="button" className={`button ${styles.bigButton}`} disabled={state !== "ready"} onClick={() => shoot(false)}>
          Take photo
        </button>
        {settings?.allowBurst ? (
          <button type="button" className={`button secondary ${styles.bigButton}`} disabled={state !== "ready"} onClick={() => shoot(true)}>
            Burst ×{settings.burstSize}
          </button>
        ) : (
          <span />
        )}
      </div>
      <button type="button" className="button secondary block" onClick={onClose} disabled={state === "shooting"}>
        Close camera
      </button>
    </section>
  );
}
