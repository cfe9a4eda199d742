import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { ensureCsrfToken } from "#app/lib/csrf.server.ts";
import { useNonce } from "#app/lib/nonce.tsx";
import { commitSession, getSession, getSessionUser } from "#app/lib/session.server.ts";
import appCssHref from "#app/styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: appCssHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  // Installable app: manifest, icons; the service worker is registered in App.
  { rel: "manifest", href: "/manifest.webmanifest" },
  { rel: "apple-touch-icon", href: "/icons/icon-192.png" },
];

export const meta: MetaFunction = () => [
  { title: "GlucoLens" },
  { name: "description", content: "Your continuous glucose data, clearly." },
  { name: "theme-color", content: "#1d4ed8" },
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
  const nonce = useNonce();
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
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useEffect(() => {
    // Web Push and the offline page (web/public/sw.js); browsers without it just miss those.
    navigator.serviceWorker?.register("/sw.js").catch(() => undefined);
  }, []);
  return <Outlet />;
}

export function ErrorBoundary() {
  return (
    <main className="page page--narrow" id="main">
      <GeneralErrorBoundary />
    </main>
  );
}
