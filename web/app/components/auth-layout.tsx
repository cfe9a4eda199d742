import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";

/** Centered card used by /login, /login/magic, /register and /verify-email (no app navigation). */
export function AuthLayout({
  title,
  children,
  footer,
}: {
  /** The page's h1; leave out when the children bring their own (error boundaries). */
  title?: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="auth">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="auth__brand">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>GlucoLens</span>
        </Link>
      </header>
      <main id="main" className="auth__card" tabIndex={-1}>
        {title ? <h1>{title}</h1> : null}
        {children}
      </main>
      {footer ? <footer className="auth__footer">{footer}</footer> : null}
    </div>
  );
}

/** The error boundary of the signed-out pages: the error in the same card. */
export function AuthErrorBoundary() {
  return (
    <AuthLayout>
      <GeneralErrorBoundary />
    </AuthLayout>
  );
}
