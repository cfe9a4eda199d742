/**
 * /upload — the upload wizard (components/UploadWizard.tsx): exports from Dexcom Clarity,
 * LibreView, Nightscout, Apple Health or any CSV are parsed in the browser and sent in chunks
 * through /api/upload-chunk. The loader only supplies the user's zone and the zone list.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { UploadWizard } from "#app/components/UploadWizard.tsx";
import { requireUser } from "#app/lib/session.server.ts";
import { listTimeZones } from "#app/lib/validation.ts";

export const meta: MetaFunction = () => [{ title: "Upload · GlucoLens" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  return { timezone: user.timezone, timeZones: listTimeZones() };
}

export default function UploadRoute() {
  const { timezone, timeZones } = useLoaderData<typeof loader>();
  return (
    <div className="upload">
      <h1>Upload</h1>
      <p className="muted">
        Import an export from your CGM or health app. Records already stored are recognised and counted as duplicates, so uploading the same file twice stores nothing twice.
      </p>
      <UploadWizard userTimeZone={timezone} timeZones={timeZones} />
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
