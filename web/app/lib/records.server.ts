/**
 * @module records.server
 * Server side of the log forms and history tables: zod parsing of a submitted record form into
 * the API's JSON body (times read in the user's zone and sent as ISO 8601 with offset, empty
 * optional inputs as null), and the record endpoints (list, create, update, delete).
 */
import { z } from "zod";
import { apiRequest, type ApiError } from "./api.server.ts";
import type { RecordAnswer, RecordListAnswer, SeriesAnswer } from "./api-types.ts";
import type { ServerEnv } from "./env.server.ts";
import type { FieldErrors, FormResult } from "./forms.server.ts";
import { LIST_LIMIT, recordKind, zonedLocalToIso, type RecordFieldSpec, type RecordKindSpec } from "./records.ts";

function fieldSchema(f: RecordFieldSpec, timeZone: string): z.ZodType<unknown, string> {
  const label = f.label.toLowerCase();
  switch (f.type) {
    case "datetime": {
      const base = z.string().trim();
      return base.transform((v, ctx) => {
        if (!v) {
          ctx.addIssue({ code: "custom", message: `Enter the ${label}` });
          return z.NEVER;
        }
        const iso = zonedLocalToIso(v, timeZone);
        if (!iso) {
          ctx.addIssue({ code: "custom", message: "Enter a date and time, like 2026-05-01 08:30" });
          return z.NEVER;
        }
        return iso;
      });
    }
    case "date":
      return z
        .string()
        .trim()
        .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Enter a date, like 2026-05-01" });
    case "number":
      return z
        .string()
        .trim()
        .transform((v, ctx) => {
          if (!v) {
            if (f.required) ctx.addIssue({ code: "custom", message: `Enter the ${label}` });
            return null;
          }
          const n = Number(v.replace(",", "."));
          if (!Number.isFinite(n)) {
            ctx.addIssue({ code: "custom", message: `Enter the ${label} as a number` });
            return z.NEVER;
          }
          if (f.step === 1 && !Number.isInteger(n)) {
            ctx.addIssue({ code: "custom", message: `Enter a whole number` });
            return z.NEVER;
          }
          const unit = f.suffix && f.suffix !== "1–5" ? ` ${f.suffix}` : "";
          if ((f.min !== undefined && n < f.min) || (f.max !== undefined && n > f.max)) {
            ctx.addIssue({ code: "custom", message: `Enter a value from ${f.min ?? 0} to ${f.max}${unit}` });
            return z.NEVER;
          }
          return n;
        });
    case "select":
      return z
        .string()
        .trim()
        .transform((v, ctx) => {
          if (!v) {
            if (f.required) ctx.addIssue({ code: "custom", message: `Choose the ${label}` });
            return null;
          }
          if (!f.options?.some((o) => o.value === v)) {
            ctx.addIssue({ code: "custom", message: `Choose one of the listed options` });
            return z.NEVER;
          }
          return v;
        });
    default:
      return z
        .string()
        .trim()
        .max(500, { error: "Use at most 500 characters" })
        .transform((v, ctx) => {
          if (!v) {
            if (f.required) ctx.addIssue({ code: "custom", message: `Enter the ${label}` });
            return null;
          }
          return v;
        });
  }
}

/**
 * The zod schema of one kind's form. Every input is a string (missing = ""); the output is the
 * API body. Cross-field rules the user should hear about before a round trip are checked here
 * too (end after start, diastolic below systolic, one of %/mmol/mol); the API checks them again.
 */
export function recordFormSchema(kind: RecordKindSpec, timeZone: string) {
  const shape: Record<string, z.ZodType> = {};
  for (const f of kind.fields) shape[f.name] = z.string().optional().default("").pipe(fieldSchema(f, timeZone));
  return z.object(shape).superRefine((v: Record<string, unknown>, ctx) => {
    if (typeof v.start === "string" && typeof v.end === "string" && Date.parse(v.end) <= Date.parse(v.start)) {
      ctx.addIssue({ code: "custom", path: ["end"], message: "The end must be after the start" });
    }
    if (typeof v.systolic === "number" && typeof v.diastolic === "number" && v.diastolic >= v.systolic) {
      ctx.addIssue({ code: "custom", path: ["diastolic"], message: "Diastolic must be below systolic" });
    }
    if (kind.key === "hba1c" && v.percent == null && v.mmol_mol == null) {
      ctx.addIssue({ code: "custom", path: ["percent"], message: "Enter the result in % or in mmol/mol" });
    }
    if (kind.key === "body-metrics" && v.weight_kg == null && v.body_fat_percent == null && v.waist_cm == null) {
      ctx.addIssue({ code: "custom", path: ["weight_kg"], message: "Enter at least one of weight, body fat or waist" });
    }
  });
}

/**
 * Parses a record form into the API body. For a new record, optional fields left empty are
 * left out; for an edit (PATCH) they are sent as null so clearing an input clears the value.
 * HbA1c sends only the value that was entered (the API refuses two that disagree).
 */
export function parseRecordForm(
  kind: RecordKindSpec,
  formData: FormData,
  timeZone: string,
  mode: "create" | "update",
): FormResult<Record<string, unknown>> {
  const values: Record<string, string> = {};
  for (const f of kind.fields) {
    const v = formData.get(f.name);
    values[f.name] = typeof v === "string" ? v : "";
  }
  const result = recordFormSchema(kind, timeZone).safeParse(values);
  if (!result.success) {
    const flat = z.flattenError(result.error);
    return { success: false, fieldErrors: flat.fieldErrors as FieldErrors, formErrors: flat.formErrors };
  }
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result.data as Record<string, unknown>)) {
    if (v === null && mode === "create") continue;
    body[k] = v;
  }
  if (kind.key === "hba1c") {
    // One of the two; a PATCH with percent null would fail the API's "give one" rule.
    if (body.percent != null) delete body.mmol_mol;
    else delete body.percent;
  }
  if (mode === "create") body.source = "manual";
  return { success: true, data: body };
}

/**
 * Splits an API error into messages for the form's inputs and messages for the whole form.
 * The API names fields by their API name, which is also the input's name.
 */
export function apiErrorsForForm(err: ApiError, kind: RecordKindSpec): { fieldErrors: FieldErrors; formErrors: string[] } {
  const names = new Set(kind.fields.map((f) => f.name));
  const fieldErrors: FieldErrors = {};
  const formErrors: string[] = [];
  for (const [key, messages] of Object.entries(err.fieldErrors())) {
    if (names.has(key)) fieldErrors[key] = messages;
    else formErrors.push(...messages);
  }
  if (Object.keys(fieldErrors).length === 0 && formErrors.length === 0) formErrors.push(err.message);
  return { fieldErrors, formErrors };
}

// ---------------------------------------------------------------------------------------------
// Endpoints

export const recordsApi = {
  list(env: ServerEnv, token: string, kind: RecordKindSpec, window: { start?: string; end?: string }, limit = LIST_LIMIT) {
    return apiRequest<RecordListAnswer>(env, `/api/v1/${kind.path}`, { token, query: { ...window, limit } });
  },
  create(env: ServerEnv, token: string, kind: RecordKindSpec, body: Record<string, unknown>) {
    return apiRequest<RecordAnswer>(env, `/api/v1/${kind.path}`, { method: "POST", token, body });
  },
  update(env: ServerEnv, token: string, kind: RecordKindSpec, id: string, body: Record<string, unknown>) {
    return apiRequest<RecordAnswer>(env, `/api/v1/${kind.path}/${encodeURIComponent(id)}`, { method: "PATCH", token, body });
  },
  remove(env: ServerEnv, token: string, kind: RecordKindSpec, id: string) {
    return apiRequest(env, `/api/v1/${kind.path}/${encodeURIComponent(id)}`, { method: "DELETE", token });
  },
};

export function glucoseSeries(env: ServerEnv, token: string, window: { start: string; end: string }) {
  return apiRequest<SeriesAnswer>(env, "/api/v1/glucose/series", { token, query: window });
}

/** The kind named by a form's `kind` field, or a 400 response. */
export function requireKind(value: FormDataEntryValue | null): RecordKindSpec {
  const kind = recordKind(typeof value === "string" ? value : null);
  if (!kind) throw new Response("Unknown record type.", { status: 400 });
  return kind;
}
