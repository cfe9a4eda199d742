/**
 * Placeholder for sections of the navigation that are not built yet. A real route file
 * (e.g. `_app.agp.tsx`) takes precedence over this dynamic segment, so each section replaces
 * its placeholder simply by existing. Unknown paths answer 404.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";

const SECTIONS: Record<string, { title: string; blurb: string }> = {
  history: { title: "History", blurb: "Browse past days and compare them." },
  log: { title: "Log", blurb: "Record meals, insulin, activity and sleep." },
  settings: { title: "Settings", blurb: "Your profile, units, time zone and connected devices." },
};

export async function loader({ params }: LoaderFunctionArgs) {
  const key = params.section ?? "";
  const section = Object.hasOwn(SECTIONS, key) ? SECTIONS[key] : undefined;
  if (!section) throw new Response("We couldn't find the page you asked for.", { status: 404 });
  return section;
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.title ?? "Not found"} · GlucoLens` },
];

export default function ComingSoon() {
  const { title, blurb } = useLoaderData<typeof loader>();
  return (
    <section className="card card--center">
      <h1>{title}</h1>
      <p>{blurb}</p>
      <p className="muted">Coming soon.</p>
      <p>
        <Link to="/">Back to the dashboard</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
