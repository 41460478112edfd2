"use client";
// API tokens for scripts: create one (its secret is shown once, here), list them, revoke them.
import { useState } from "react";
import { z } from "zod";
import { apiTokenViewSchema, createdApiTokenSchema, type ApiTokenView } from "@/lib/auth/auth-schemas";
import { formatUtc } from "./format-workspace";
import { callWorkspaceApi } from "./workspace-api";
import styles from "./workspace.module.css";

const listSchema = z.object({ tokens: z.array(apiTokenViewSchema) });

function tokenState(token: ApiTokenView): { label: string; tone: string } {
  if (token.revokedAt) return { label: "revoked", tone: "danger" };
  if (token.expiresAt && new Date(token.expiresAt) <= new Date()) return { label: "expired", tone: "warn" };
  return { label: "active", tone: "ok" };
}

export function ApiTokensPanel({ initial }: { initial: ApiTokenView[] }) {
  const [tokens, setTokens] = useState(initial);
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function reload() {
    setTokens((await callWorkspaceApi(listSchema, "/api/v1/tokens")).tokens);
  }

  async function create(form: HTMLFormElement) {
    const data = new FormData(form);
    const days = String(data.get("expiresInDays") ?? "");
    setBusy(true);
    setError(null);
    try {
      const created = await callWorkspaceApi(createdApiTokenSchema, "/api/v1/tokens", {
        method: "POST",
        json: { name: String(data.get("name") ?? ""), ...(days ? { expiresInDays: Number(days) } : {}) },
      });
      setSecret({ name: created.name, token: created.token });
      form.reset();
      await reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string) {
    setError(null);
    try {
      await callWorkspaceApi(z.unknown(), `/api/v1/tokens/${encodeURIComponent(id)}`, { method: "DELETE" });
      await reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <section className="card stack" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p className="small muted" style={{ margin: 0 }}>
        Scripts send a token as <code>Authorization: Bearer …</code> to the API documented at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
      </p>
      <form
        className="row"
        style={{ alignItems: "flex-end" }}
        onSubmit={(event) => {
          event.preventDefault();
          void create(event.currentTarget);
        }}
      >
        <div className="field" style={{ flex: "1 1 200px" }}>
          <label htmlFor="token-name">Token name</label>
          <input id="token-name" name="name" required maxLength={100} placeholder="analysis notebook" />
        </div>
        <div className="field" style={{ flex: "0 1 150px" }}>
          <label htmlFor="token-expiry">Expires</label>
          <select id="token-expiry" name="expiresInDays" defaultValue="90">
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="">never</option>
          </select>
        </div>
        <button className="button" type="submit" disabled={busy}>
          Create token
        </button>
      </form>
      {secret ? (
        <div className="notice stack" role="status" data-testid="new-token">
          <p style={{ margin: 0 }}>
            <strong>{secret.name}</strong>: copy the token now — it is shown only once.
          </p>
          <p className={styles.secret} data-testid="new-token-secret">
            {secret.token}
          </p>
        </div>
      ) : null}
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {tokens.length === 0 ? (
        <p className="muted">No tokens yet.</p>
      ) : (
        <div className={styles.tableWrap}>
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Starts with</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Expires</th>
                <th>State</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => {
                const state = tokenState(token);
                return (
                  <tr key={token.id} data-testid="token-row">
                    <td className={styles.wrapCell}>{token.name}</td>
                    <td className="mono">{token.prefix}…</td>
                    <td>{formatUtc(token.createdAt)}</td>
                    <td>{formatUtc(token.lastUsedAt)}</td>
                    <td>{token.expiresAt ? formatUtc(token.expiresAt) : "never"}</td>
                    <td>
                      <span className={`badge ${state.tone}`}>{state.label}</span>
                    </td>
                    <td>
                      {state.label === "active" ? (
                        <button type="button" className="link-button" onClick={() => void revoke(token.id)} aria-label={`Revoke ${token.name}`}>
                          Revoke
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
