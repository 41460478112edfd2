"use client";
// The volunteer page's state, shared by its screens (capture, my captures, settings) and kept
// across navigation between them (it lives in the /join/[code] layout): the device session from
// localStorage, the outbox and its uploader, the inference worker and its model, the scene key
// (typed, followed from the study's display, or read from the photo's QR code by the scene
// worker), and this visit's captures with their results and upload states.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { CaptureOutbox, type SendResult } from "@/lib/capture/capture-outbox";
import { finishCapture, recordCapture, type FinishedCapture, type PipelineDependencies } from "@/lib/capture/capture-pipeline";
import {
  deviceSessionStorageKey,
  findTokenForStudy,
  forgetDeviceSession,
  forgetSceneKey,
  parseDeviceSession,
  parseSceneKey,
  readDeviceSession,
  saveDeviceSession,
  saveSceneKey,
  sceneKeyStorageKey,
  updateSessionStudy,
  type DeviceSession,
} from "@/lib/capture/device-session";
import { keepImageDecodersOffline } from "@/lib/capture/keep-decoders-offline";
import { createOutboxUploader, type OutboxUploader, type UploaderState } from "@/lib/capture/outbox-uploader";
import type { CaptureMethod } from "@/lib/captures/capture-schemas";
import { collectDeviceInfo } from "@/lib/devices/collect-device-info";
import type { DeviceInfo } from "@/lib/devices/device-info";
import { createSceneDetectorClient, type SceneDetectorClient } from "@/lib/display/browser/scene-detector-client";
import { followDisplayScene } from "@/lib/display/browser/follow-display";
import type { FollowedScene } from "@/lib/display/display-schemas";
import type { SceneDetectionSummary } from "@/lib/display/scene-detection-summary";
import { sceneKeySchema } from "@/lib/studies/study-schemas";
import { createInferenceClient, type ClassifyOutcome, type InferenceClient, type LoadProgress, type RuntimeState } from "@/lib/inference/browser/inference-client";
import type { JoinPreview } from "@/lib/studies/get-join-preview";
import { correctCaptureSceneOnServer, fetchOwnDevice, joinStudyAsDevice } from "./phone-api";
import { announceStorageChange, useStoredItem } from "./use-stored-item";

export type ModelState =
  | { phase: "idle" }
  | { phase: "loading"; progress?: LoadProgress }
  | { phase: "ready"; runtime: RuntimeState; /** The decoders are cached too: photos taken offline get a prediction. */ offlineReady?: boolean }
  | { phase: "error"; error: string };

export type UploadState = { kind: "saving" } | { kind: "waiting"; error?: string } | { kind: "uploaded" } | { kind: "rejected"; error: string };

/** What the scene worker found in a photo (display mode). */
export type CaptureSceneDetection = {
  summary: SceneDetectionSummary;
  photo: { width: number; height: number; orientation: number };
  rectified: { width: number; height: number; outsidePixels: number } | null;
};

export type CaptureEntry = {
  clientCaptureId: string;
  photoUrl: string;
  method: CaptureMethod;
  sceneKey: string;
  /** Where the scene key came from: the QR code in the photo, or the typed / followed key. */
  sceneSource: "qr" | "typed" | "pending" | "corrected";
  /** The volunteer's scene correction: sent once the capture is stored on the server. */
  correction?: { state: "pending" | "sending" | "saved" | "failed"; error?: string };
  sceneDetection?: CaptureSceneDetection;
  /** The model's answer on the rectified stimulus crop (display mode). */
  rectifiedOutcome?: Pick<ClassifyOutcome, "prediction">;
  takenAt: number;
  burst?: { id: string; index: number };
  /** Classifying on the phone. */
  classifying: boolean;
  outcome?: Pick<ClassifyOutcome, "prediction" | "timings">;
  classifyError?: string;
  upload: UploadState;
};

export type PhoneStatus = "starting" | "not-joined" | "joined";

type PhoneContextValue = {
  code: string;
  /** The study's public description, rendered by the server with the page (null: unknown code). */
  preview: JoinPreview | null;
  status: PhoneStatus;
  session?: DeviceSession;
  join(): Promise<void>;
  /** Forget this device on this phone; `discardWaiting` drops its captures not yet uploaded. */
  forget(options: { discardWaiting: boolean }): Promise<void>;
  sceneKey: string;
  setSceneKey(key: string): void;
  /** The scene the study's display shows now (undefined until known; sceneKey null: no display). */
  followed?: FollowedScene;
  /** Whether the scene key follows the display. */
  following: boolean;
  setFollowing(on: boolean): void;
  model: ModelState;
  retryModel(): void;
  outbox: UploaderState;
  retryNow(): Promise<void>;
  capture(request: { image: Blob; method: CaptureMethod; burst?: { id: string; index: number }; capturedAt?: Date }): Promise<void>;
  /** The volunteer says this photo shows another scene. */
  correctScene(clientCaptureId: string, sceneKey: string): void;
  captures: CaptureEntry[];
  deviceInfo?: DeviceInfo;
};

const PhoneContext = createContext<PhoneContextValue | undefined>(undefined);

export function usePhone(): PhoneContextValue {
  const value = useContext(PhoneContext);
  if (!value) throw new Error("usePhone must be used inside <PhoneProvider>");
  return value;
}

const EMPTY_OUTBOX: UploaderState = { pending: 0, rejected: 0, held: 0, uploading: false, rejectedItems: [] };
const MAX_ENTRIES = 30;
/** Without Web Locks a hold is considered abandoned after this long (no page classifies for minutes). */
const ABANDONED_HOLD_MS = 3 * 60_000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type LocksLike = { request(name: string, callback: () => Promise<unknown>): Promise<unknown>; query(): Promise<{ held?: { name?: string }[] }> };

function webLocks(): LocksLike | undefined {
  return "locks" in navigator ? (navigator.locks as unknown as LocksLike) : undefined;
}

const HOLDER_LOCK_PREFIX = "parallax-page-";

export function PhoneProvider({ code, preview, children }: { code: string; preview: JoinPreview | null; children: React.ReactNode }) {
  // The device session lives in localStorage (one source of truth for every tab and screen).
  const rawSession = useStoredItem(deviceSessionStorageKey(code));
  const session = useMemo(() => parseDeviceSession(rawSession), [rawSession]);
  const status: PhoneStatus = rawSession === undefined ? "starting" : session ? "joined" : "not-joined";
  const rawSceneKey = useStoredItem(session ? sceneKeyStorageKey(session.study.id) : undefined);
  const sceneKey = parseSceneKey(rawSceneKey) ?? "";

  const [modelState, setModelState] = useState<{ key: string; state: ModelState } | undefined>();
  const [outboxState, setOutboxState] = useState<UploaderState>(EMPTY_OUTBOX);
  const [captures, setCaptures] = useState<CaptureEntry[]>([]);
  const [deviceInfo, setDeviceInfo] = useState<DeviceInfo | undefined>();
  const [modelAttempt, setModelAttempt] = useState(0);
  const [followed, setFollowed] = useState<FollowedScene | undefined>();
  const [following, setFollowing] = useState(true);
  const followingRef = useRef(true);
  const lastFollowedKeyRef = useRef<string | null>(null);
  const sceneClientRef = useRef<SceneDetectorClient | undefined>(undefined);
  const studyCodeRef = useRef<string | undefined>(undefined);

  const outboxRef = useRef<Promise<CaptureOutbox> | undefined>(undefined);
  const uploaderRef = useRef<OutboxUploader | undefined>(undefined);
  const clientRef = useRef<InferenceClient | undefined>(undefined);
  const modelReadyRef = useRef<Promise<RuntimeState> | undefined>(undefined);
  const deviceInfoRef = useRef<DeviceInfo | undefined>(undefined);
  const holderRef = useRef<string>("");
  const capturesRef = useRef<CaptureEntry[]>([]);

  const openOutbox = useCallback(() => (outboxRef.current ??= CaptureOutbox.open()), []);

  const updateEntry = useCallback((id: string, patch: Partial<CaptureEntry> | ((entry: CaptureEntry) => Partial<CaptureEntry>)) => {
    setCaptures((entries) => entries.map((entry) => (entry.clientCaptureId === id ? { ...entry, ...(typeof patch === "function" ? patch(entry) : patch) } : entry)));
  }, []);

  // This page instance holds a Web Lock for its lifetime, so a later page can tell which held
  // captures belong to a live page and which were left behind by a reload or a closed tab.
  useEffect(() => {
    holderRef.current = crypto.randomUUID();
    const locks = webLocks();
    if (!locks) return;
    let release: () => void = () => {};
    void locks.request(HOLDER_LOCK_PREFIX + holderRef.current, () => new Promise<void>((resolve) => (release = resolve)));
    return () => release();
  }, []);

  const studyId = session?.study.id;
  const token = session?.deviceToken;
  const studyCode = session?.study.code;
  const rectifyStimulus = session?.study.settings.rectifyDisplayStimulus ?? true;
  const rectifyRef = useRef(true);
  useEffect(() => {
    studyCodeRef.current = studyCode;
    rectifyRef.current = rectifyStimulus;
  }, [studyCode, rectifyStimulus]);

  // Refresh what the server says about the study (settings may have changed); offline: keep the copy.
  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    fetchOwnDevice(token)
      .then(({ study }) => {
        if (cancelled) return;
        const current = readDeviceSession(localStorage, code);
        if (current) {
          updateSessionStudy(localStorage, current, study);
          announceStorageChange();
        }
      })
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [token, code]);

  // Device details (collected only after consent, i.e. once there is a session).
  useEffect(() => {
    if (!studyId) return;
    let cancelled = false;
    void collectDeviceInfo().then((info) => {
      if (cancelled) return;
      deviceInfoRef.current = { ...info, ort: deviceInfoRef.current?.ort };
      setDeviceInfo(deviceInfoRef.current);
    });
    return () => {
      cancelled = true;
    };
  }, [studyId]);

  // The study's model in the inference worker (progress shown while it downloads the first time).
  const studyModel = session?.study.model;
  const modelKey = studyModel ? `${studyModel.sha256}:${modelAttempt}` : undefined;
  const model = useMemo<ModelState>(() => (!modelKey ? { phase: "idle" } : modelState?.key === modelKey ? modelState.state : { phase: "loading" }), [modelKey, modelState]);
  useEffect(() => {
    if (!studyModel || !modelKey) return;
    const setModel = (state: ModelState) => setModelState({ key: modelKey, state });
    const client = createInferenceClient();
    clientRef.current = client;
    const ready = client.loadModel(studyModel, (progress) => setModel({ phase: "loading", progress }));
    modelReadyRef.current = ready;
    ready.then(
      (runtime) => {
        const ort = { version: runtime.runtimeVersion.slice(0, 60), bundle: runtime.runtimeBundle.slice(0, 120), crossOriginIsolated: runtime.crossOriginIsolated, threads: runtime.threads };
        deviceInfoRef.current = { ...deviceInfoRef.current, ort };
        setDeviceInfo(deviceInfoRef.current);
        performance.mark("parallax:model-ready");
        setModel({ phase: "ready", runtime });
        // So that a first photo taken without a network can still be classified.
        void keepImageDecodersOffline()
          .then(() => setModel({ phase: "ready", runtime, offlineReady: true }))
          .catch(() => {});
      },
      (error: unknown) => setModel({ phase: "error", error: errorText(error) }),
    );
    return () => {
      client.dispose();
      if (clientRef.current === client) clientRef.current = undefined;
    };
    // The model is identified by its content hash (in modelKey); a refreshed study with the same model keeps the worker.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [modelKey]);

  const pipeline = useCallback(
    async (): Promise<PipelineDependencies> => ({
      outbox: await openOutbox(),
      classify: async (image, options) => {
        const ready = modelReadyRef.current;
        if (!ready) throw new Error("The model is not loaded.");
        await ready;
        const client = clientRef.current;
        if (!client) throw new Error("The model is not loaded.");
        return client.classify(image, options);
      },
      deviceInfo: () => deviceInfoRef.current,
      detectScene: async (image) => {
        const studyCode = studyCodeRef.current;
        if (!studyCode || typeof Worker === "undefined") return undefined;
        const client = (sceneClientRef.current ??= createSceneDetectorClient());
        const found = await client.detect(image, { studyCode, rectify: rectifyRef.current });
        if (!found.detection) return undefined;
        const detection: CaptureSceneDetection = {
          summary: found.detection,
          photo: found.photo,
          rectified: found.rectified ? { width: found.rectified.width, height: found.rectified.height, outsidePixels: found.rectified.outsidePixels } : null,
        };
        return { sceneKey: found.detection.sceneKey, detection, rectified: found.rectified?.png };
      },
      holder: holderRef.current,
    }),
    [openOutbox],
  );

  // The uploader for this study's outbox; it also finishes captures a closed page left held.
  useEffect(() => {
    if (!studyId) return;
    let uploader: OutboxUploader | undefined;
    let disposed = false;
    const onResult = (id: string, result: SendResult) => {
      const upload: UploadState = result.kind === "stored" ? { kind: "uploaded" } : result.kind === "rejected" ? { kind: "rejected", error: result.error } : { kind: "waiting", error: result.error };
      updateEntry(id, { upload });
    };
    void openOutbox().then(async (outbox) => {
      if (disposed) return;
      uploader = createOutboxUploader({ outbox, studyId, getToken: () => findTokenForStudy(localStorage, studyId), onState: setOutboxState, onResult });
      uploaderRef.current = uploader;
      await uploader.flush();
      const locks = webLocks();
      const held = await locks?.query().catch(() => undefined);
      const liveHolders = held ? new Set((held.held ?? []).map((lock) => lock.name ?? "").filter((name) => name.startsWith(HOLDER_LOCK_PREFIX)).map((name) => name.slice(HOLDER_LOCK_PREFIX.length))) : undefined;
      const abandoned = await outbox.listAbandonedHeld({ studyId, liveHolders, olderThanMs: ABANDONED_HOLD_MS });
      if (abandoned.length === 0) return;
      const deps = await pipeline();
      for (const item of abandoned) await finishCapture(deps, item).catch(() => {});
      await uploader.flush();
    });
    return () => {
      disposed = true;
      uploader?.dispose();
      if (uploaderRef.current === uploader) uploaderRef.current = undefined;
    };
  }, [studyId, openOutbox, pipeline, updateEntry]);

  // Free the photos' object URLs when the page goes.
  useEffect(() => {
    capturesRef.current = captures;
  }, [captures]);
  useEffect(() => () => capturesRef.current.forEach((entry) => URL.revokeObjectURL(entry.photoUrl)), []);

  useEffect(() => () => sceneClientRef.current?.dispose(), []);

  // Follow the study's display: a newly shown scene becomes this phone's scene key (unless the
  // volunteer switched following off); a key typed since then stays until the display moves on.
  useEffect(() => {
    followingRef.current = following;
  }, [following]);
  useEffect(() => {
    if (!studyId || !token) return;
    lastFollowedKeyRef.current = null;
    return followDisplayScene({
      studyId,
      token,
      onScene: (scene) => {
        setFollowed(scene);
        const key = scene.sceneKey;
        if (!key || key === lastFollowedKeyRef.current) return;
        lastFollowedKeyRef.current = key;
        if (followingRef.current && sceneKeySchema.safeParse(key).success) {
          saveSceneKey(localStorage, studyId, key);
          announceStorageChange();
        }
      },
    });
  }, [studyId, token]);

  const setSceneKey = useCallback(
    (key: string) => {
      if (!studyId) return;
      if (key) saveSceneKey(localStorage, studyId, key);
      else forgetSceneKey(localStorage, studyId);
      announceStorageChange();
    },
    [studyId],
  );

  const join = useCallback(async () => {
    const device = await collectDeviceInfo();
    const joined = await joinStudyAsDevice(code, device);
    const next: DeviceSession = { deviceToken: joined.deviceToken, deviceId: joined.deviceId, joinedAt: new Date().toISOString(), study: joined.study };
    saveDeviceSession(localStorage, next);
    announceStorageChange();
  }, [code]);

  const forget = useCallback(
    async ({ discardWaiting }: { discardWaiting: boolean }) => {
      if (!session) return;
      if (discardWaiting) await (await openOutbox()).removeStudy(session.study.id);
      forgetDeviceSession(localStorage, session.study.code);
      forgetSceneKey(localStorage, session.study.id);
      announceStorageChange();
      setCaptures([]);
      setOutboxState(EMPTY_OUTBOX);
    },
    [session, openOutbox],
  );

  const capture = useCallback(
    async (request: { image: Blob; method: CaptureMethod; burst?: { id: string; index: number }; capturedAt?: Date }) => {
      if (!studyId) throw new Error("Join the study first.");
      const deps = await pipeline();
      // 1. Durable first: nothing else happens until the photo is in the outbox.
      const recorded = await recordCapture(deps, { image: request.image, studyId, sceneKey, method: request.method, burst: request.burst, capturedAt: request.capturedAt });
      const entry: CaptureEntry = {
        clientCaptureId: recorded.clientCaptureId,
        photoUrl: URL.createObjectURL(request.image),
        method: request.method,
        sceneKey,
        sceneSource: "pending",
        takenAt: Date.now(),
        burst: request.burst,
        classifying: true,
        upload: { kind: "saving" },
      };
      setCaptures((entries) => {
        const next = [entry, ...entries];
        for (const dropped of next.slice(MAX_ENTRIES)) URL.revokeObjectURL(dropped.photoUrl);
        return next.slice(0, MAX_ENTRIES);
      });
      void uploaderRef.current?.refresh();
      // 2–4 in the background (a burst's next shot must not wait for this one's inference).
      void finishCapture(deps, recorded).then(
        (finished: FinishedCapture) => {
          updateEntry(recorded.clientCaptureId, (current) => ({
            classifying: false,
            outcome: finished.prediction ? { prediction: finished.prediction, timings: { ...finished.prediction.timings, totalMs: finished.classifyMs ?? 0 } } : undefined,
            classifyError: finished.classifyError,
            sceneKey: finished.meta.sceneKey,
            sceneSource: finished.sceneDetection ? "qr" : "typed",
            sceneDetection: finished.sceneDetection?.detection as CaptureSceneDetection | undefined,
            rectifiedOutcome: finished.rectifiedPrediction ? { prediction: finished.rectifiedPrediction } : undefined,
            upload: current.upload.kind === "saving" ? { kind: "waiting" } : current.upload,
          }));
          void uploaderRef.current?.flush();
        },
        (error: unknown) => updateEntry(recorded.clientCaptureId, { classifying: false, sceneSource: "typed", classifyError: errorText(error), upload: { kind: "waiting" } }),
      );
    },
    [studyId, sceneKey, pipeline, updateEntry],
  );

  const correctScene = useCallback(
    (clientCaptureId: string, key: string) => updateEntry(clientCaptureId, { sceneKey: key, sceneSource: "corrected", correction: { state: "pending" } }),
    [updateEntry],
  );
  // Corrections go to the server once the capture is stored there.
  const sendingCorrectionsRef = useRef(new Set<string>());
  useEffect(() => {
    if (!token || !studyId) return;
    for (const entry of captures) {
      if (entry.correction?.state !== "pending" || entry.upload.kind !== "uploaded") continue;
      const { clientCaptureId, sceneKey: key } = entry;
      const sending = `${clientCaptureId}:${key}`;
      if (sendingCorrectionsRef.current.has(sending)) continue;
      sendingCorrectionsRef.current.add(sending);
      void correctCaptureSceneOnServer(token, studyId, clientCaptureId, key).then(
        () => updateEntry(clientCaptureId, (current) => (current.sceneKey === key ? { correction: { state: "saved" } } : {})),
        (error: unknown) => updateEntry(clientCaptureId, { correction: { state: "failed", error: errorText(error) } }),
      ).finally(() => sendingCorrectionsRef.current.delete(sending));
    }
  }, [captures, token, studyId, updateEntry]);

  const value = useMemo<PhoneContextValue>(
    () => ({
      code,
      preview,
      status,
      session,
      join,
      forget,
      sceneKey,
      setSceneKey,
      followed,
      following,
      setFollowing: (on: boolean) => {
        setFollowing(on);
        followingRef.current = on;
        const key = followed?.sceneKey;
        if (on && key && studyId && sceneKeySchema.safeParse(key).success) {
          saveSceneKey(localStorage, studyId, key);
          announceStorageChange();
        }
      },
      model,
      retryModel: () => setModelAttempt((n) => n + 1),
      outbox: outboxState,
      retryNow: async () => {
        await uploaderRef.current?.retryNow();
      },
      capture,
      correctScene,
      captures,
      deviceInfo,
    }),
    [code, preview, status, session, join, forget, sceneKey, setSceneKey, followed, following, studyId, model, outboxState, capture, correctScene, captures, deviceInfo],
  );

  return <PhoneContext.Provider value={value}>{children}</PhoneContext.Provider>;
}
