/**
 * The signed-in app shell: header with the product name, the main navigation and a sign-out
 * button. Pages render in <main>. Signed-out visitors are sent to /login.
 */
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Form, Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { requireUser } from "#app/lib/session.server.ts";
import { followedPeople } from "#app/lib/following.server.ts";
import { FollowingSwitcher } from "#app/components/FollowingSwitcher.tsx";

export const NAV_ITEMS = [
  { to: "/", label: "Dashboard" },
  { to: "/agp", label: "AGP" },
  { to: "/history", label: "History" },
  { to: "/insights", label: "Insights" },
  { to: "/log", label: "Log" },
  { to: "/upload", label: "Upload" },
  { to: "/settings", label: "Settings" },
] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  return {
    user: { name: user.name, email: user.email, emailVerified: user.emailVerified ?? false },
    following: await followedPeople(request, context),
  };
}

/** The shell keeps its data between navigations; the people followed are re-read after a form post. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) => (formMethod ? defaultShouldRevalidate : false);

/** Until the address is confirmed: what to do, and a button that mails a new link (verify-email.tsx). */
function VerifyEmailBanner({ email }: { email: string }) {
  return (
    <div className="notice notice--warning verify-banner" role="status">
      <p>
        Confirm your email address: open the link we sent to <strong>{email}</strong>. Caregiver invitations sent to it appear once it is confirmed.
      </p>
      <Form method="post" action="/verify-email">
        <CsrfInput />
        <button type="submit" name="intent" value="resend" className="button button--secondary button--small">
          Resend the link
        </button>
      </Form>
    </div>
  );
}

function AppShell({ userName, following = [], children }: { userName?: string; following?: { user_id: string; name: string }[]; children: ReactNode }) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <div className="shell__bar">
          <Link to="/" className="brand">
            <img src="/favicon.svg" alt="" width={28} height={28} />
            <span>GlucoLens</span>
          </Link>
          <div className="shell__user">
            <FollowingSwitcher people={following} />
            {userName ? (
              <span className="shell__name" title={userName}>
                {userName}
              </span>
            ) : null}
            <Form method="post" action="/logout">
              <CsrfInput />
              <button type="submit" className="button button--ghost button--small">
                Sign out
              </button>
            </Form>
          </div>
        </div>
        <nav aria-label="Main" className="shell__nav">
          <ul>
            {NAV_ITEMS.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.to === "/"} prefetch="intent">
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

export default function AppLayout() {
  const { user, following } = useLoaderData<typeof loader>();
  return (
    <AppShell userName={user.name} following={following}>
      {user.emailVerified ? null : <VerifyEmailBanner email={user.email} />}
      <Outlet />
    </AppShell>
  );
}

export function ErrorBoundary() {
  return (
    <AppShell>
      <GeneralErrorBoundary />
    </AppShell>
  );
}
