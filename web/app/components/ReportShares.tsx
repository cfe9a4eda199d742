/**
 * The "Share your AGP report with a clinician" section of /settings: creates a read-only link
 * (14, 30 or 90 days of data; expires after 1–90 days), shows its address once, lists the links
 * with their state and number of opens, and revokes them. Talks to /resources/report-shares.
 */
import { useRouteLoaderData } from "@remix-run/react";
import { useCallback, useEffect, useState } from "react";
import type { loader as rootLoader } from "#app/root.tsx";

interface Share {
  id: string;
  days: number;
  expires_at: string;
  status: "active" | "expired" | "revoked";
  opens: number;
  last_opened_at: string | null;
}

const date = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

export function ReportShares() {
  const csrf = useRouteLoaderData<typeof rootLoader>("root")?.csrfToken ?? "";
  const [items, setItems] = useState<Share[] | null>(null);
  const [created, setCreated] = useState<{ url: string; expires_at: string } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [days, setDays] = useState("14");
  const [expires, setExpires] = useState("14");

  const load = useCallback(async () => {
    const res = await fetch("/resources/report-shares");
    const json = (await res.json().catch(() => null)) as { items?: Share[]; error?: { message?: string } } | null;
    if (res.ok && json?.items) setItems(json.items);
    else setMessage(json?.error?.message ?? `The links could not be loaded (${res.status}).`);
  }, []);
  useEffect(() => void load(), [load]);

  const post = async (body: unknown) => {
    setBusy(true);
    setMessage(null);
    try {
      const res = await fetch("/resources/report-shares", { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrf }, body: JSON.stringify(body) });
      const json = (await res.json().catch(() => null)) as ({ error?: { message?: string; fields?: { path: string; message: string }[] } } & Record<string, unknown>) | null;
      if (!res.ok) throw new Error(json?.error?.fields?.map((f) => `${f.path.replace(/_/g, " ")} ${f.message}`).join("; ") || json?.error?.message || `Request failed (${res.status})`);
      await load();
      return json;
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
      return null;
    } finally {
      setBusy(false);
    }
  };

  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    const json = await post({ intent: "create", days, expires_in_days: expires });
    if (json) setCreated({ url: String(json.url), expires_at: String(json.expires_at) });
  };

  return (
    <section className="card" aria-labelledby="report-shares-heading" id="report-shares" data-testid="report-shares">
      <h2 id="report-shares-heading" className="card__title">
        Share your AGP report with a clinician
      </h2>
      <p>A read-only link to your AGP report (web page and PDF) that works without an account until it expires or you revoke it. It opens nothing else; every open is counted here.</p>
      <form className="form-row" onSubmit={create}>
        <label>
          Report period{" "}
          <select value={days} onChange={(e) => setDays(e.target.value)} name="days">
            <option value="14">14 days</option>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
          </select>
        </label>{" "}
        <label>
          Expires after{" "}
          <input type="number" name="expires_in_days" min={1} max={90} step={1} value={expires} onChange={(e) => setExpires(e.target.value)} inputMode="numeric" style={{ width: "5em" }} /> days
        </label>{" "}
        <button type="submit" className="button" disabled={busy}>
          Create link
        </button>
      </form>
      {created ? (
        <div className="secret-once" role="status">
          <p>Copy this link now: it is shown only once. It expires {date(created.expires_at)}.</p>
          <code className="secret-once__value" data-testid="report-share-url">
            {created.url}
          </code>
        </div>
      ) : null}
      {message ? (
        <p role="alert" className="hint">
          {message}
        </p>
      ) : null}
      {items === null ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p className="muted">No links yet.</p>
      ) : (
        <ul className="report-shares__list">
          {items.map((s) => (
            <li key={s.id} className="report-shares__item">
              <span>
                {s.days}-day report ·{" "}
                {s.status === "active" ? `expires ${date(s.expires_at)}` : s.status === "expired" ? `expired ${date(s.expires_at)}` : "revoked"} · opened {s.opens}{" "}
                {s.opens === 1 ? "time" : "times"}
                {s.last_opened_at ? `, last ${date(s.last_opened_at)}` : ""}
              </span>
              {s.status === "active" ? (
                <button type="button" className="button button--ghost button--small" disabled={busy} onClick={() => void post({ intent: "revoke", id: s.id })}>
                  Revoke
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
