/**
 * /login/magic?token=…: the landing page of an emailed sign-in link.
 *
 * The token is verified by the action, after one click, not by the loader: mail security
 * scanners (Outlook Safe Links and the like) fetch every link in a message, and a GET that
 * consumed the single-use token would sign the scanner in and leave the person with a dead
 * link.
 */
import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthLayout } from "#app/components/auth-layout.tsx";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { FormErrors } from "#app/components/form-field.tsx";
import { ApiError, ApiUnavailableError, API_UNAVAILABLE_MESSAGE, authApi } from "#app/lib/api.server.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import { getServerEnv } from "#app/lib/env.server.ts";
import { getSession, signIn } from "#app/lib/session.server.ts";

export const meta: MetaFunction = () => [
  { title: "Finish signing in · GlucoLens" },
  // The URL carries a credential: keep it out of search engines.
  { name: "robots", content: "noindex" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  if (!token) {
    throw new Response("This sign-in link is incomplete. Open the link from your email again.", {
      status: 400,
    });
  }
  return { token };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const session = await getSession(request, context);
  validateCsrf(formData, session);
  const token = formData.get("token");
  if (typeof token !== "string" || !token) {
    return data({ formErrors: ["This sign-in link is incomplete."] }, { status: 400 });
  }
  try {
    const auth = await authApi.verifyMagicLink(getServerEnv(context), token);
    return signIn(session, context, auth, "/");
  } catch (err) {
    if (err instanceof ApiUnavailableError) {
      return data(
        { formErrors: [API_UNAVAILABLE_MESSAGE] },
        { status: 503 },
      );
    }
    if (err instanceof ApiError) {
      return data(
        { formErrors: ["This sign-in link has expired or was already used. Request a new one."] },
        { status: 400 },
      );
    }
    throw err;
  }
}

export default function MagicLinkRoute() {
  const { token } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting";

  return (
    <AuthLayout
      title="Finish signing in"
      footer={
        <p>
          <Link to="/login">Back to sign in</Link>
        </p>
      }
    >
      <Form method="post" className="form">
        <CsrfInput />
        <input type="hidden" name="token" value={token} />
        <FormErrors errors={actionData?.formErrors} />
        <p>Continue to sign in to GlucoLens with the link we emailed you.</p>
        <button type="submit" className="button button--primary" disabled={submitting}>
          {submitting ? "Signing in…" : "Sign in to GlucoLens"}
        </button>
      </Form>
    </AuthLayout>
  );
}

export function ErrorBoundary() {
  return (
    <AuthLayout>
      <GeneralErrorBoundary
        statusHandlers={{
          400: ({ error }) => (
            <>
              <h1>Sign-in link problem</h1>
              <p>{typeof error.data === "string" ? error.data : "This sign-in link doesn't work."}</p>
              <p>
                <Link to="/login">Request a new link</Link>
              </p>
            </>
          ),
        }}
      />
    </AuthLayout>
  );
}
