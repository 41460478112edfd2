"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/** Typing a study's join code leads to /join/CODE (the same page the QR code opens). */
export function JoinCodeForm() {
  const router = useRouter();
  const [code, setCode] = useState("");
  const normalized = code.trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
  return (
    <form
      className="row"
      onSubmit={(event) => {
        event.preventDefault();
        if (normalized) router.push(`/join/${encodeURIComponent(normalized)}`);
      }}
    >
      <div className="field" style={{ flex: "1 1 180px" }}>
        <label htmlFor="join-code">Study code</label>
        <input
          id="join-code"
          name="code"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          inputMode="text"
          placeholder="e.g. K7Q2MX"
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
      </div>
      <button className="button" type="submit" disabled={!normalized} style={{ alignSelf: "flex-end" }}>
        Join
      </button>
    </form>
  );
}
