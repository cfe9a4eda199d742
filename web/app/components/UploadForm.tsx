/**
 * The upload without the wizard: a plain multipart form posted to /upload, whose action sends the
 * whole file to the API's import route (`POST /api/v1/imports`) and answers the counts. Shown
 * until the page has hydrated, and for good when JavaScript is off; the wizard (UploadWizard.tsx)
 * replaces it in the browser, with a preview and files of any size.
 */
import { Form, useNavigation } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Field, FormErrors, SelectField } from "#app/components/form-field.tsx";
import { UPLOAD_SOURCES } from "#app/lib/upload-preview.ts";

/** Formats the form can import: a generic CSV needs the wizard's column mapping. */
export const PLAIN_UPLOAD_FORMATS = UPLOAD_SOURCES.filter((s) => s.format !== "csv");
/** Largest file the form sends in one request (the API takes bigger ones only in parts). */
export const PLAIN_UPLOAD_MAX_BYTES = 8 * 1024 * 1024;

export interface PlainUploadResult {
  fieldErrors: Record<string, string[] | undefined>;
  formErrors: string[];
  summary: { imported: number; duplicates: number; rejected: number; byType: { type: string; imported: number; duplicates: number }[] } | null;
}

const n = (x: number) => x.toLocaleString("en-US");

export function UploadForm({ userTimeZone, timeZones, result }: { userTimeZone: string; timeZones: readonly string[]; result: PlainUploadResult | undefined }) {
  const busy = useNavigation().state === "submitting";
  const s = result?.summary;
  return (
    <section className="card" aria-labelledby="upload-form-heading">
      <h2 id="upload-form-heading" className="wizard__heading">
        Import a file
      </h2>
      {s ? (
        <p className="notice notice--success" role="status" data-testid="upload-summary">
          <span aria-hidden="true">✓ </span>
          {n(s.imported)} new records imported, {n(s.duplicates)} duplicates (already stored) and {n(s.rejected)} rejected.
          {s.byType.length ? ` ${s.byType.map((t) => `${t.type}: ${n(t.imported)} imported, ${n(t.duplicates)} duplicates`).join("; ")}.` : null}
        </p>
      ) : null}
      <p className="muted">
        The file is sent whole (at most {PLAIN_UPLOAD_MAX_BYTES / 1024 / 1024} MB) and read on the server. With JavaScript on, this page previews the file before importing it, maps the columns of
        any CSV and takes files of any size.
      </p>
      <Form method="post" encType="multipart/form-data" className="form" noValidate>
        <CsrfInput />
        <FormErrors errors={result?.formErrors} />
        <SelectField label="Source" errors={result?.fieldErrors.format} selectProps={{ name: "format", id: "plain-upload-format", defaultValue: PLAIN_UPLOAD_FORMATS[0]!.format }}>
          {PLAIN_UPLOAD_FORMATS.map((f) => (
            <option key={f.format} value={f.format}>
              {f.label}
            </option>
          ))}
        </SelectField>
        <Field label="Export file" errors={result?.fieldErrors.file} inputProps={{ name: "file", id: "plain-upload-file", type: "file", required: true }} />
        <SelectField
          label="Time zone of the device clock"
          hint="Clarity and LibreView write the receiver's local time; say which zone it was set to."
          errors={result?.fieldErrors.timezone}
          selectProps={{ name: "timezone", id: "plain-upload-timezone", defaultValue: userTimeZone }}
        >
          {timeZones.map((tz) => (
            <option key={tz} value={tz}>
              {tz.replace(/_/g, " ")}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? "Importing…" : "Import the file"}
        </button>
      </Form>
    </section>
  );
}
