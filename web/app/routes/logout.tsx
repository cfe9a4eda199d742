/**
 * /logout (POST only): revokes the refresh token at the API, clears the cookie, and sends the
 * person to /login. A GET just goes home, so a link or prefetch can never sign anyone out.
 */
import { redirect, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { authApi } from "#app/lib/api.server.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import { getServerEnv } from "#app/lib/env.server.ts";
import { destroySession, getSession } from "#app/lib/session.server.ts";

export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const session = await getSession(request, context);
  validateCsrf(formData, session);

  const refreshToken = session.get("refreshToken");
  if (refreshToken) {
    try {
      await authApi.logout(getServerEnv(context), refreshToken);
    } catch (err) {
      // The local sign-out must still happen; the token expires on its own.
      console.error("logout: could not revoke the refresh token", err);
    }
  }
  return redirect("/login", { headers: { "Set-Cookie": await destroySession(session, context) } });
}

export function ErrorBoundary() {
  return (
    <main className="page page--narrow" id="main">
      <GeneralErrorBoundary />
    </main>
  );
}
