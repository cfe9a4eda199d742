/**
 * /upload — the upload wizard (components/UploadWizard.tsx): exports from Dexcom Clarity,
 * LibreView, Nightscout, Apple Health or any CSV are parsed in the browser and sent in chunks
 * through /api/upload-chunk. The loader only supplies the user's zone and the zone list.
 *
 * Until the page has hydrated (or without JavaScript) a plain form (components/UploadForm.tsx)
 * stands in for the wizard; its POST lands in this action, which sends the whole file to the
 * API's import route and answers the counts, or the problem naming the field.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { PLAIN_UPLOAD_FORMATS, PLAIN_UPLOAD_MAX_BYTES, UploadForm, type PlainUploadResult } from "#app/components/UploadForm.tsx";
import { UploadWizard } from "#app/components/UploadWizard.tsx";
import { ApiError, ApiUnavailableError, uploadApi } from "#app/lib/api.server.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import { requireAuth, requireUser } from "#app/lib/session.server.ts";
import { useHydrated } from "#app/lib/use-hydrated.ts";
import { isValidTimeZone, listTimeZones } from "#app/lib/validation.ts";

export const meta: MetaFunction = () => [{ title: "Upload · GlucoLens" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  return { timezone: user.timezone, timeZones: listTimeZones() };
}

const refused = (status: number, fieldErrors: PlainUploadResult["fieldErrors"], formErrors: string[] = []) =>
  data<PlainUploadResult>({ fieldErrors, formErrors, summary: null }, { status });

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = await requireAuth(request, context);
  // The form's other fields are a few hundred bytes: a body much over the cap is the file.
  if (Number(request.headers.get("Content-Length") ?? 0) > PLAIN_UPLOAD_MAX_BYTES + 64 * 1024) {
    return refused(413, { file: [`is larger than ${PLAIN_UPLOAD_MAX_BYTES / 1024 / 1024} MB: turn JavaScript on to import it in parts`] });
  }
  const form = await request.formData();
  validateCsrf(form, auth.session);
  const format = String(form.get("format") ?? "");
  const timezone = String(form.get("timezone") ?? "");
  const file = form.get("file");
  const fieldErrors: PlainUploadResult["fieldErrors"] = {};
  if (!PLAIN_UPLOAD_FORMATS.some((f) => f.format === format)) fieldErrors.format = [`Choose one of: ${PLAIN_UPLOAD_FORMATS.map((f) => f.label).join(", ")}.`];
  if (!isValidTimeZone(timezone)) fieldErrors.timezone = ["Choose the time zone the device clock was set to."];
  if (!(file instanceof Blob) || file.size === 0) fieldErrors.file = ["Choose the export file to import."];
  else if (file.size > PLAIN_UPLOAD_MAX_BYTES) fieldErrors.file = [`The file is larger than ${PLAIN_UPLOAD_MAX_BYTES / 1024 / 1024} MB: turn JavaScript on to import it in parts.`];
  if (Object.keys(fieldErrors).length || !(file instanceof Blob)) return refused(400, fieldErrors);
  try {
    const r = await auth.call((token, env) => uploadApi.importFile(env, token, { format, timezone }, file));
    const byType = Object.entries(r.by_type).map(([type, c]) => ({ type, imported: c.imported, duplicates: c.duplicates }));
    return data<PlainUploadResult>({ fieldErrors: {}, formErrors: [], summary: { imported: r.imported, duplicates: r.duplicates, rejected: r.rejected_total, byType } }, { headers: await auth.headers() });
  } catch (err) {
    if (err instanceof ApiUnavailableError) return refused(503, {}, ["GlucoLens is temporarily unavailable. Nothing was imported; try again in a minute."]);
    if (err instanceof ApiError) {
      // The API names what it could not read (the file's content, the format, the zone).
      const messages = Object.entries(err.fieldErrors()).map(([path, m]) => `${path.replace(/_/g, " ")}: ${m.join("; ")}`);
      return refused(err.status, { file: [messages.length ? messages.join(" · ") : err.message] });
    }
    throw err;
  }
}

export default function UploadRoute() {
  const { timezone, timeZones } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  // The wizard runs in the browser; the plain form serves until then, and after its own POST.
  const hydrated = useHydrated();
  return (
    <div className="upload">
      <h1>Upload</h1>
      <p className="muted">
        Import an export from your CGM or health app. Records already stored are recognised and counted as duplicates, so uploading the same file twice stores nothing twice.
      </p>
      {hydrated && !result ? <UploadWizard userTimeZone={timezone} timeZones={timeZones} /> : <UploadForm userTimeZone={timezone} timeZones={timeZones} result={result} />}
    </div>
  );
}

export function ErrorBoundary() {
  return (
    <GeneralErrorBoundary
      unexpectedErrorHandler={() => (
        <>
          <h1>The upload page failed</h1>
          <p>Nothing was imported by this error. Reload the page and start the upload again; records already stored are counted as duplicates, never stored twice.</p>
        </>
      )}
    />
  );
}
