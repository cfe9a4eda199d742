/**
 * /register: create an account. The time zone is preselected from Cloudflare's guess
 * (request.cf.timezone) on the server and then from the browser's own setting after
 * hydration, unless the person already picked one.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { AuthErrorBoundary, AuthLayout } from "#app/components/auth-layout.tsx";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Field, FieldErrorList, FormErrors, SelectField } from "#app/components/form-field.tsx";
import { ApiError, ApiUnavailableError, API_UNAVAILABLE_MESSAGE, authApi } from "#app/lib/api.server.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import { getServerEnv } from "#app/lib/env.server.ts";
import { parseForm, registerSchema, type FieldErrors } from "#app/lib/forms.server.ts";
import { isValidTimeZone, listTimeZones, PASSWORD_MIN } from "#app/lib/validation.ts";
import { getSession, requireAnonymous, signIn } from "#app/lib/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Create an account · GlucoLens" }];

/** Inputs that can show their own errors; API errors about anything else go to the top. */
const FORM_FIELDS = new Set(["email", "name", "password", "timezone", "unit"]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  const cfTimeZone = (context.cloudflare.cf as { timezone?: unknown } | undefined)?.timezone;
  const suggested = typeof cfTimeZone === "string" && isValidTimeZone(cfTimeZone) ? cfTimeZone : "UTC";
  return { timeZones: listTimeZones(), suggestedTimeZone: suggested };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const session = await getSession(request, context);
  validateCsrf(formData, session);

  const parsed = parseForm(registerSchema, formData);
  if (!parsed.success) {
    return data({ fieldErrors: parsed.fieldErrors, formErrors: parsed.formErrors }, { status: 400 });
  }
  try {
    const auth = await authApi.register(getServerEnv(context), parsed.data);
    return signIn(session, context, auth, "/");
  } catch (err) {
    if (err instanceof ApiUnavailableError) {
      return data(
        {
          fieldErrors: {} as FieldErrors,
          formErrors: [API_UNAVAILABLE_MESSAGE],
        },
        { status: 503 },
      );
    }
    if (err instanceof ApiError) {
      // e.g. 409 "email is already registered", or the API's own validation. Messages that
      // belong to a field are shown there only; the rest at the top of the form.
      const fieldErrors: FieldErrors = {};
      const formErrors: string[] = [];
      for (const [key, messages] of Object.entries(err.fieldErrors())) {
        if (FORM_FIELDS.has(key)) fieldErrors[key] = messages;
        else formErrors.push(...messages);
      }
      if (Object.keys(fieldErrors).length === 0 && formErrors.length === 0) formErrors.push(err.message);
      return data({ fieldErrors, formErrors }, { status: err.status });
    }
    throw err;
  }
}

export default function RegisterRoute() {
  const { timeZones, suggestedTimeZone } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting";
  const tzRef = useRef<HTMLSelectElement>(null);
  const tzTouched = useRef(false);

  useEffect(() => {
    // Progressive enhancement: the server could only guess from the IP address.
    const browserTz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const select = tzRef.current;
    if (!select || tzTouched.current || !browserTz || actionData) return;
    if (Array.from(select.options).some((o) => o.value === browserTz)) select.value = browserTz;
  }, [actionData]);

  const errors = actionData?.fieldErrors;

  return (
    <AuthLayout
      title="Create your account"
      footer={
        <p>
          Already have an account? <Link to="/login">Sign in</Link>
        </p>
      }
    >
      <Form method="post" className="form" noValidate>
        <CsrfInput />
        <FormErrors errors={actionData?.formErrors} />
        <Field
          label="Email"
          errors={errors?.email}
          inputProps={{ name: "email", type: "email", autoComplete: "email", required: true, id: "register-email" }}
        />
        <Field
          label="Name"
          errors={errors?.name}
          inputProps={{ name: "name", type: "text", autoComplete: "name", required: true, id: "register-name" }}
        />
        <Field
          label="Password"
          hint={`At least ${PASSWORD_MIN} characters. A short sentence is easy to remember.`}
          errors={errors?.password}
          inputProps={{
            name: "password",
            type: "password",
            autoComplete: "new-password",
            required: true,
            minLength: PASSWORD_MIN,
            id: "register-password",
          }}
        />
        <SelectField
          label="Time zone"
          hint="Used for daily reports and the times on your charts."
          errors={errors?.timezone}
          selectProps={{
            name: "timezone",
            id: "register-timezone",
            defaultValue: suggestedTimeZone,
            ref: tzRef,
            onChange: () => {
              tzTouched.current = true;
            },
          }}
        >
          {timeZones.map((tz) => (
            <option key={tz} value={tz}>
              {tz.replace(/_/g, " ")}
            </option>
          ))}
        </SelectField>
        <fieldset className="field" aria-describedby={errors?.unit ? "register-unit-error" : undefined}>
          <legend>Glucose unit</legend>
          <div className="choice-row">
            <label className="choice">
              <input type="radio" name="unit" value="mg/dL" defaultChecked />
              <span>
                mg/dL <span className="muted">(e.g. 110)</span>
              </span>
            </label>
            <label className="choice">
              <input type="radio" name="unit" value="mmol/L" />
              <span>
                mmol/L <span className="muted">(e.g. 6.1)</span>
              </span>
            </label>
          </div>
          <FieldErrorList id="register-unit-error" errors={errors?.unit} />
        </fieldset>
        <button type="submit" className="button button--primary" disabled={submitting}>
          {submitting ? "Creating your account…" : "Create account"}
        </button>
      </Form>
    </AuthLayout>
  );
}

export const ErrorBoundary = AuthErrorBoundary;
