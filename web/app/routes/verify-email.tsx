/**
 * /verify-email?token=…: the landing page of the address-verification mail, and (POST with
 * `intent=resend`, from the app shell's banner) a new link for the signed-in account.
 *
 * Like /login/magic, the token is used by the action after one click, not by the loader: mail
 * security scanners fetch every link in a message and would use the single-use token up.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthErrorBoundary, AuthLayout } from "#app/components/auth-layout.tsx";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { FormErrors } from "#app/components/form-field.tsx";
import { ApiError, ApiUnavailableError, API_UNAVAILABLE_MESSAGE, authApi } from "#app/lib/api.server.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import { getServerEnv } from "#app/lib/env.server.ts";
import { safeRedirect } from "#app/lib/safe-redirect.ts";
import { commitSession, getSession, getSessionUser, requireAuth } from "#app/lib/session.server.ts";

export const meta: MetaFunction = () => [
  { title: "Confirm your email address · GlucoLens" },
  // The URL carries a credential: keep it out of search engines.
  { name: "robots", content: "noindex" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const token = url.searchParams.get("token");
  const sent = url.searchParams.get("sent");
  if (!token && sent === null) {
    throw new Response("This confirmation link is incomplete. Open the link from your email again.", { status: 400 });
  }
  return { token, error: url.searchParams.get("error") };
}

type ActionResult = { formErrors: string[] } | { verified: true };

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  if (formData.get("intent") === "resend") return resend(request, context, formData);
  const session = await getSession(request, context);
  validateCsrf(formData, session);
  const token = formData.get("token");
  if (typeof token !== "string" || !token) return data<ActionResult>({ formErrors: ["This confirmation link is incomplete."] }, { status: 400 });
  try {
    const user = await authApi.verifyEmail(getServerEnv(context), token);
    const signedIn = getSessionUser(session);
    // Signed in as that account in this browser: the banner goes at once.
    if (signedIn && signedIn.id === user.id) {
      session.set("user", { ...signedIn, emailVerified: true });
      return data<ActionResult>({ verified: true }, { headers: { "Set-Cookie": await commitSession(session, context) } });
    }
    return data<ActionResult>({ verified: true });
  } catch (err) {
    if (err instanceof ApiUnavailableError) return data<ActionResult>({ formErrors: [API_UNAVAILABLE_MESSAGE] }, { status: 503 });
    if (err instanceof ApiError && err.status === 409) return data<ActionResult>({ formErrors: [err.message] }, { status: 409 });
    if (err instanceof ApiError) {
      return data<ActionResult>({ formErrors: ["This confirmation link has expired or was already used. Sign in and ask for a new one."] }, { status: 400 });
    }
    throw err;
  }
}

/** The banner's "Resend the link": back to where it was pressed, with the outcome in the query. */
async function resend(request: Request, context: ActionFunctionArgs["context"], formData: FormData) {
  const auth = await requireAuth(request, context);
  validateCsrf(formData, auth.session);
  const headers = await auth.headers();
  try {
    await auth.call((token, env) => authApi.resendVerification(env, token));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 409 && err.code === "already_verified") {
      auth.session.set("user", { ...auth.user, emailVerified: true });
      headers.set("Set-Cookie", await commitSession(auth.session, context));
      return redirect(safeRedirect(new URL(request.headers.get("Referer") ?? "/", request.url).pathname), { headers });
    }
    return redirect(`/verify-email?sent&error=${encodeURIComponent(err.message)}`, { headers });
  }
  return redirect("/verify-email?sent", { headers });
}

export default function VerifyEmailRoute() {
  const { token, error } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const back = (
    <p>
      <Link to="/">Go to GlucoLens</Link>
    </p>
  );

  if (actionData && "verified" in actionData) {
    return (
      <AuthLayout title="Address confirmed" footer={back}>
        <p role="status">Thank you: your email address is confirmed. Caregiver invitations sent to it now appear in your settings.</p>
      </AuthLayout>
    );
  }
  if (!token) {
    return (
      <AuthLayout title="Confirm your email address" footer={back}>
        {error ? <FormErrors errors={[error]} /> : <p role="status">A new confirmation link is on its way. Open it from your email to confirm the address.</p>}
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Confirm your email address" footer={back}>
      <Form method="post" className="form">
        <CsrfInput />
        <input type="hidden" name="token" value={token} />
        <FormErrors errors={actionData && "formErrors" in actionData ? actionData.formErrors : undefined} />
        <p>Confirm that this email address is yours.</p>
        <button type="submit" className="button button--primary" disabled={submitting}>
          {submitting ? "Confirming…" : "Confirm my address"}
        </button>
      </Form>
    </AuthLayout>
  );
}

export const ErrorBoundary = AuthErrorBoundary;
