"use client";
// One localStorage item as React state: the same value on the server and during hydration
// (undefined: not known yet), then the stored text, updated when this tab or another one writes it.
import { useSyncExternalStore } from "react";

const LOCAL_CHANGE_EVENT = "parallax-storage-change";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  window.addEventListener(LOCAL_CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(LOCAL_CHANGE_EVENT, onChange);
  };
}

/** Tell this tab's readers that localStorage changed (other tabs get the browser's "storage" event). */
export function announceStorageChange(): void {
  window.dispatchEvent(new Event(LOCAL_CHANGE_EVENT));
}

export function useStoredItem(key: string | undefined): string | null | undefined {
  return useSyncExternalStore(
    subscribe,
    () => (key === undefined ? null : localStorage.getItem(key)),
    () => undefined,
  );
}
