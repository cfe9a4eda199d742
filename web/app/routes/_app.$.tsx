/**
 * Any path inside the signed-in app that no route serves: 404, shown in the app's layout.
 */
import type { MetaFunction } from "@remix-run/cloudflare";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";

export function loader(): never {
  throw new Response("We couldn't find the page you asked for.", { status: 404 });
}

export const meta: MetaFunction = () => [{ title: "Not found · GlucoLens" }];

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
