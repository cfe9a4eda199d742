/**
 * /login: password sign-in, plus "email me a sign-in link" (magic link). Both forms post here
 * and are told apart by `intent`.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthErrorBoundary, AuthLayout } from "#app/components/auth-layout.tsx";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Field, FormErrors } from "#app/components/form-field.tsx";
import { ApiError, ApiUnauthorizedError, ApiUnavailableError, API_UNAVAILABLE_MESSAGE, authApi } from "#app/lib/api.server.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import { getServerEnv } from "#app/lib/env.server.ts";
import { loginSchema, magicLinkSchema, parseForm, type FieldErrors } from "#app/lib/forms.server.ts";
import { getSession, requireAnonymous, safeRedirect, signIn } from "#app/lib/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Sign in · GlucoLens" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  return null;
}

type ActionResult =
  | { intent: "password" | "magic-link"; fieldErrors: FieldErrors; formErrors: string[] }
  | { intent: "magic-link"; sent: true; email: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const session = await getSession(request, context);
  validateCsrf(formData, session);
  const env = getServerEnv(context);

  if (formData.get("intent") === "magic-link") {
    const parsed = parseForm(magicLinkSchema, formData);
    if (!parsed.success) {
      return data<ActionResult>({ intent: "magic-link", ...pick(parsed) }, { status: 400 });
    }
    try {
      await authApi.requestMagicLink(env, parsed.data.email);
    } catch (err) {
      return apiFailure("magic-link", err);
    }
    // Same answer whether or not the address has an account.
    return data<ActionResult>({ intent: "magic-link", sent: true, email: parsed.data.email });
  }

  const parsed = parseForm(loginSchema, formData);
  if (!parsed.success) {
    return data<ActionResult>({ intent: "password", ...pick(parsed) }, { status: 400 });
  }
  try {
    const auth = await authApi.login(env, { email: parsed.data.email, password: parsed.data.password });
    return signIn(session, context, auth, safeRedirect(parsed.data.redirectTo));
  } catch (err) {
    if (err instanceof ApiUnauthorizedError) {
      return data<ActionResult>(
        { intent: "password", fieldErrors: {}, formErrors: ["That email and password don't match an account."] },
        { status: 400 },
      );
    }
    return apiFailure("password", err);
  }
}

function pick(r: { fieldErrors: FieldErrors; formErrors: string[] }) {
  return { fieldErrors: r.fieldErrors, formErrors: r.formErrors };
}

function apiFailure(intent: "password" | "magic-link", err: unknown) {
  if (err instanceof ApiUnavailableError) {
    const result: ActionResult = {
      intent,
      fieldErrors: {},
      formErrors: [API_UNAVAILABLE_MESSAGE],
    };
    return data(result, { status: 503 });
  }
  if (err instanceof ApiError) {
    // 429 (rate limit) and validation answers carry a message meant for people.
    const result: ActionResult = { intent, fieldErrors: err.fieldErrors(), formErrors: [err.message] };
    return data(result, { status: err.status });
  }
  throw err;
}

export default function LoginRoute() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo") ?? "";
  const submittingIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;

  const pw = actionData?.intent === "password" ? actionData : null;
  const magic = actionData?.intent === "magic-link" ? actionData : null;
  const magicSent = magic && "sent" in magic ? magic : null;
  const magicErrors = magic && !("sent" in magic) ? magic : null;

  return (
    <AuthLayout
      title="Sign in"
      footer={
        <p>
          New to GlucoLens? <Link to="/register">Create an account</Link>
        </p>
      }
    >
      <Form method="post" className="form" noValidate>
        <CsrfInput />
        <input type="hidden" name="intent" value="password" />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormErrors errors={pw?.formErrors} />
        <Field
          label="Email"
          errors={pw?.fieldErrors.email}
          inputProps={{ name: "email", type: "email", autoComplete: "email", required: true, id: "login-email" }}
        />
        <Field
          label="Password"
          errors={pw?.fieldErrors.password}
          inputProps={{
            name: "password",
            type: "password",
            autoComplete: "current-password",
            required: true,
            id: "login-password",
          }}
        />
        <button type="submit" className="button button--primary" disabled={submittingIntent === "password"}>
          {submittingIntent === "password" ? "Signing in…" : "Sign in"}
        </button>
      </Form>

      <div className="divider" role="separator">
        <span>or</span>
      </div>

      <section aria-labelledby="magic-heading">
        <h2 id="magic-heading" className="h3">
          Sign in without a password
        </h2>
        {magicSent ? (
          <p className="notice notice--success" role="status">
            <span aria-hidden="true">✓ </span>
            If an account exists for <strong>{magicSent.email}</strong>, we've emailed it a sign-in link. It
            works once and expires soon.
          </p>
        ) : (
          <Form method="post" className="form" noValidate>
            <CsrfInput />
            <input type="hidden" name="intent" value="magic-link" />
            <FormErrors errors={magicErrors?.formErrors} />
            <Field
              label="Email"
              hint="We'll email you a link that signs you in."
              errors={magicErrors?.fieldErrors.email}
              inputProps={{ name: "email", type: "email", autoComplete: "email", required: true, id: "magic-email" }}
            />
            <button type="submit" className="button button--secondary" disabled={submittingIntent === "magic-link"}>
              {submittingIntent === "magic-link" ? "Sending…" : "Email me a sign-in link"}
            </button>
          </Form>
        )}
      </section>
    </AuthLayout>
  );
}

export const ErrorBoundary = AuthErrorBoundary;
