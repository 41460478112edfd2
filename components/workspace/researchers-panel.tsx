"use client";
// Researcher accounts: the list, and (admins) inviting another researcher — the account gets a
// one-time password shown here once, to pass on; it must be changed at first sign-in.
import { useState } from "react";
import { z } from "zod";
import { invitedResearcherSchema, researcherAccountSchema, type InvitedResearcher, type ResearcherAccount } from "@/lib/researchers/researcher-schemas";
import { formatUtc } from "./format-workspace";
import { callWorkspaceApi } from "./workspace-api";
import styles from "./workspace.module.css";

const listSchema = z.object({ researchers: z.array(researcherAccountSchema) });

export function ResearchersPanel({ initial, canInvite, currentId }: { initial: ResearcherAccount[]; canInvite: boolean; currentId: string }) {
  const [researchers, setResearchers] = useState(initial);
  const [invited, setInvited] = useState<InvitedResearcher | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function invite(form: HTMLFormElement) {
    const data = new FormData(form);
    setBusy(true);
    setError(null);
    try {
      const result = await callWorkspaceApi(invitedResearcherSchema, "/api/v1/researchers", {
        method: "POST",
        json: { email: String(data.get("email") ?? ""), name: String(data.get("name") ?? ""), isAdmin: data.get("isAdmin") === "on" },
      });
      setInvited(result);
      form.reset();
      setResearchers((await callWorkspaceApi(listSchema, "/api/v1/researchers")).researchers);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="researchers-heading">
      <h2 id="researchers-heading">Researchers</h2>
      <p className="small muted" style={{ margin: 0 }}>
        Every researcher of this installation sees every study.
      </p>
      <div className={styles.tableWrap}>
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {researchers.map((researcher) => (
              <tr key={researcher.id} data-testid="researcher-row">
                <td className={styles.wrapCell}>
                  {researcher.name}
                  {researcher.id === currentId ? " (you)" : ""}
                </td>
                <td>{researcher.email}</td>
                <td>
                  {researcher.isAdmin ? "admin" : "researcher"}
                  {researcher.mustChangePassword ? (
                    <span className="badge warn" style={{ marginLeft: 6 }}>
                      invited
                    </span>
                  ) : null}
                </td>
                <td>{formatUtc(researcher.createdAt).slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canInvite ? (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void invite(event.currentTarget);
          }}
        >
          <h3 style={{ margin: 0 }}>Invite a researcher</h3>
          <div className="row" style={{ alignItems: "flex-end" }}>
            <div className="field" style={{ flex: "1 1 200px" }}>
              <label htmlFor="invite-name">Name</label>
              <input id="invite-name" name="name" required maxLength={200} />
            </div>
            <div className="field" style={{ flex: "1 1 220px" }}>
              <label htmlFor="invite-email">Email</label>
              <input id="invite-email" name="email" type="email" required maxLength={320} />
            </div>
          </div>
          <label className={styles.check}>
            <input type="checkbox" name="isAdmin" />
            <span>
              Admin
              <small>May invite researchers and sees every API token.</small>
            </span>
          </label>
          <div>
            <button className="button" type="submit" disabled={busy}>
              Invite
            </button>
          </div>
        </form>
      ) : (
        <p className="small muted">Only an admin can invite researchers.</p>
      )}
      {invited ? (
        <div className="notice stack" role="status" data-testid="invited">
          <p style={{ margin: 0 }}>
            Account created for <strong>{invited.researcher.email}</strong>. Give them this one-time password (shown only now); they sign in at{" "}
            <span className="mono">{invited.signInPath}</span> and choose their own.
          </p>
          <p className={styles.secret} data-testid="invited-password">
            {invited.oneTimePassword}
          </p>
        </div>
      ) : null}
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
