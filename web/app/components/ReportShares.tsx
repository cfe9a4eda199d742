/**
 * The "Share your AGP report with a clinician" section of /settings: creates a read-only link
 * (14, 30 or 90 days of data; expires after 1–90 days), shows its address once, lists the links
 * with their state and number of opens, and revokes them. Plain forms posted to the settings
 * action (`intent` share-create / share-revoke), so they work without JavaScript too.
 */
import { Form } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Field, FormErrors, SelectField } from "#app/components/form-field.tsx";

interface Share {
  id: string;
  days: number;
  expires_at: string;
  status: "active" | "expired" | "revoked";
  opens: number;
  last_opened_at: string | null;
}

// UTC on both sides: the server renders the list and the browser must hydrate the same text.
const date = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

export function ReportShares({
  shares,
  created,
  fieldErrors,
  formErrors,
  busy,
}: {
  /** null when the list could not be loaded. */
  shares: readonly Share[] | null;
  /** The link just created (shown only in the answer that created it). */
  created: { url: string; expires_at: string } | null;
  fieldErrors?: Record<string, string[] | undefined>;
  formErrors?: readonly string[];
  busy: boolean;
}) {
  return (
    <section className="card" aria-labelledby="report-shares-heading" id="report-shares" data-testid="report-shares">
      <h2 id="report-shares-heading" className="card__title">
        Share your AGP report with a clinician
      </h2>
      <p>A read-only link to your AGP report (web page and PDF) that works without an account until it expires or you revoke it. It opens nothing else; every open is counted here.</p>
      {created ? (
        <div className="secret-once" role="status">
          <p>Copy this link now: it is shown only once. It expires {date(created.expires_at)}.</p>
          <code className="secret-once__value" data-testid="report-share-url">
            {created.url}
          </code>
        </div>
      ) : null}
      <Form method="post" className="form form--inline" noValidate key={created?.url ?? "new"}>
        <CsrfInput />
        <input type="hidden" name="intent" value="share-create" />
        <FormErrors errors={formErrors} />
        <SelectField label="Report period" errors={fieldErrors?.days} selectProps={{ name: "days", id: "share-days", defaultValue: "14" }}>
          <option value="14">14 days</option>
          <option value="30">30 days</option>
          <option value="90">90 days</option>
        </SelectField>
        <Field
          label="Expires after (days)"
          errors={fieldErrors?.expires_in_days}
          inputProps={{ name: "expires_in_days", id: "share-expires", type: "number", min: 1, max: 90, step: 1, defaultValue: "14", inputMode: "numeric" }}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Creating…" : "Create link"}
        </button>
      </Form>
      {shares === null ? (
        <p className="notice notice--warning">
          <span aria-hidden="true">⚠ </span>Your report links couldn't be loaded. Reload the page to try again.
        </p>
      ) : shares.length === 0 ? (
        <p className="muted">No links yet.</p>
      ) : (
        <ul className="report-shares__list">
          {shares.map((s) => (
            <li key={s.id} className="report-shares__item">
              <span>
                {s.days}-day report ·{" "}
                {s.status === "active" ? `expires ${date(s.expires_at)}` : s.status === "expired" ? `expired ${date(s.expires_at)}` : "revoked"} · opened {s.opens}{" "}
                {s.opens === 1 ? "time" : "times"}
                {s.last_opened_at ? `, last ${date(s.last_opened_at)}` : ""}
              </span>
              {s.status === "active" ? (
                <Form method="post">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="share-revoke" />
                  <input type="hidden" name="id" value={s.id} />
                  <button type="submit" className="button button--ghost button--small" aria-label={`Revoke the ${s.days}-day report link`}>
                    Revoke
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
