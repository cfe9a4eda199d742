import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
import type { ReactNode } from "react";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { ensureCsrfToken } from "#app/lib/csrf.server.ts";
import { commitSession, getSession, getSessionUser } from "#app/lib/session.server.ts";
import appCssHref from "#app/styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: appCssHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [
  { title: "GlucoLens" },
  { name: "description", content: "Your continuous glucose data, clearly." },
];

/**
 * Who is signed in (from the cookie, no API call) and the CSRF token every form embeds. The
 * cookie is only rewritten when the token was just created.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await getSession(request, context);
  const { token, created } = ensureCsrfToken(session);
  const user = getSessionUser(session);
  const headers = created ? { "Set-Cookie": await commitSession(session, context) } : undefined;
  return data(
    { csrfToken: token, user: user ? { name: user.name, email: user.email } : null },
    { headers },
  );
}

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return (
    <main className="page page--narrow" id="main">
      <GeneralErrorBoundary />
    </main>
  );
}
