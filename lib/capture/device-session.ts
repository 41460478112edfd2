// What the phone remembers per study, in localStorage: the device token it got when the volunteer
// joined (so a reload or a return visit is the same device), the study as the server described it
// (so the page works offline), and the last scene key typed. Everything read back is validated;
// anything unreadable is treated as absent rather than trusted. Storage is passed in (testable).
import { z } from "zod";
import { phoneStudySchema, sceneKeySchema, type PhoneStudy } from "@/lib/studies/study-schemas";

const SESSION_PREFIX = "parallax.device.v1.";
const SCENE_PREFIX = "parallax.scene.v1.";

export const deviceSessionSchema = z.object({
  deviceToken: z.string().min(1),
  deviceId: z.string().min(1),
  joinedAt: z.string(),
  study: phoneStudySchema,
});
export type DeviceSession = z.infer<typeof deviceSessionSchema>;

type StorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

/** The join code as the server stores it (upper case, no spaces or dashes), so /join/k7q2-mx finds K7Q2MX. */
export function canonicalJoinCode(code: string): string {
  return decodeURIComponent(code).trim().toUpperCase().replace(/[\s-]/g, "");
}

function readJson(storage: StorageLike, key: string): unknown {
  try {
    const text = storage.getItem(key);
    return text === null ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The storage key of a study's device session (so a page can watch it). */
export function deviceSessionStorageKey(code: string): string {
  return SESSION_PREFIX + canonicalJoinCode(code);
}

export function sceneKeyStorageKey(studyId: string): string {
  return SCENE_PREFIX + studyId;
}

/** A stored device session from its raw text; undefined when absent or unreadable. */
export function parseDeviceSession(raw: string | null | undefined): DeviceSession | undefined {
  if (!raw) return undefined;
  try {
    const parsed = deviceSessionSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A stored scene key from its raw text, if it is a valid one. */
export function parseSceneKey(raw: string | null | undefined): string | undefined {
  return raw && sceneKeySchema.safeParse(raw).success ? raw : undefined;
}

export function readDeviceSession(storage: StorageLike, code: string): DeviceSession | undefined {
  return parseDeviceSession(storage.getItem(deviceSessionStorageKey(code)));
}

export function saveDeviceSession(storage: StorageLike, session: DeviceSession): void {
  storage.setItem(deviceSessionStorageKey(session.study.code), JSON.stringify(session));
}

/** Keeps the token, refreshes what the server now says about the study (settings, model). */
export function updateSessionStudy(storage: StorageLike, session: DeviceSession, study: PhoneStudy): DeviceSession {
  const next = { ...session, study };
  saveDeviceSession(storage, next);
  return next;
}

export function forgetDeviceSession(storage: StorageLike, code: string): void {
  storage.removeItem(deviceSessionStorageKey(code));
}

/** Every study this phone has joined (the outbox may hold captures for any of them). */
export function listDeviceSessions(storage: StorageLike): DeviceSession[] {
  const sessions: DeviceSession[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (!key?.startsWith(SESSION_PREFIX)) continue;
    const parsed = deviceSessionSchema.safeParse(readJson(storage, key));
    if (parsed.success) sessions.push(parsed.data);
  }
  return sessions;
}

export function findTokenForStudy(storage: StorageLike, studyId: string): string | undefined {
  return listDeviceSessions(storage).find((session) => session.study.id === studyId)?.deviceToken;
}

export function readSceneKey(storage: StorageLike, studyId: string): string | undefined {
  return parseSceneKey(storage.getItem(sceneKeyStorageKey(studyId)));
}

export function saveSceneKey(storage: StorageLike, studyId: string, sceneKey: string): void {
  if (sceneKeySchema.safeParse(sceneKey).success) storage.setItem(sceneKeyStorageKey(studyId), sceneKey);
}

export function forgetSceneKey(storage: StorageLike, studyId: string): void {
  storage.removeItem(sceneKeyStorageKey(studyId));
}
