/**
 * @module worker/schemas/common
 * Building blocks shared by every request and response schema: times, list queries, the error
 * envelope. Schemas use `z` from @hono/zod-openapi so the same objects validate requests and
 * generate /openapi.json.
 */
import { z } from "@hono/zod-openapi";

/** Earliest time accepted anywhere (CGMs did not exist before). */
export const MIN_TIME = Date.UTC(1990, 0, 1);
/** Readings and records may not lie more than a day in the future (clock skew, time-zone slips). */
export const MAX_FUTURE_MS = 24 * 3600 * 1000;

function checkRange(ms: number, ctx: z.RefinementCtx): number {
  if (ms < MIN_TIME) ctx.addIssue({ code: "custom", message: "must not be before 1990-01-01" });
  else if (ms > Date.now() + MAX_FUTURE_MS) ctx.addIssue({ code: "custom", message: "must not be more than a day in the future" });
  return ms;
}

const isoWithOffset = z.iso.datetime({ offset: true, message: "must be ISO 8601 with a UTC offset, or epoch milliseconds" });

/** A point in time: ISO 8601 with an offset (`2024-05-01T07:30:00+02:00`) or epoch milliseconds. Output: epoch ms. */
export const TimeInput = z
  .union([z.number().int("must be whole epoch milliseconds"), isoWithOffset], {
    error: "must be ISO 8601 with a UTC offset, or epoch milliseconds",
  })
  .transform((v, ctx) => checkRange(typeof v === "number" ? v : Date.parse(v), ctx))
  .openapi({ example: "2024-05-01T07:30:00+02:00", description: "ISO 8601 with offset, or epoch milliseconds" });

/** A time in a query string: ISO 8601 with offset or epoch milliseconds as digits. */
export const TimeQuery = z
  .string()
  .transform((v, ctx) => {
    const ms = /^-?\d+$/.test(v) ? Number(v) : isoWithOffset.safeParse(v).success ? Date.parse(v) : Number.NaN;
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: "custom", message: "must be ISO 8601 with a UTC offset, or epoch milliseconds" });
      return z.NEVER;
    }
    return ms;
  })
  .openapi({ example: "2024-05-01T00:00:00Z" });

export const iso = (ms: number) => new Date(ms).toISOString();

/** Query of every list route. `limit` defaults to 100; its maximum depends on the resource. */
export function listQuery(maxLimit: number) {
  return z
    .object({
      start: TimeQuery.optional().openapi({ description: "Inclusive lower bound (ISO 8601 with offset or epoch ms)" }),
      end: TimeQuery.optional().openapi({ description: "Exclusive upper bound (ISO 8601 with offset or epoch ms)" }),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(maxLimit)
        .default(100)
        .openapi({ description: `Page size, 1–${maxLimit} (default 100)` }),
      cursor: z.string().max(200).optional().openapi({ description: "next_cursor of the previous page" }),
    })
    .refine((q) => q.start === undefined || q.end === undefined || q.start < q.end, {
      message: "must be after start",
      path: ["end"],
    });
}

export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "validation_failed" }),
      message: z.string().openapi({ example: "Some fields are invalid" }),
      fields: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .openapi("Error");

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorEnvelope } },
});

/** The error responses every authenticated JSON route can give. */
export const commonErrors = {
  400: errorResponse("Malformed request (for example invalid JSON)"),
  401: errorResponse("Missing, invalid or expired access token"),
  413: errorResponse("Request body too large"),
  422: errorResponse("Validation failed; `fields` names each invalid field"),
  429: errorResponse("Too many requests"),
} as const;

export const notFoundError = { 404: errorResponse("No such record for this user") } as const;
export const conflictError = { 409: errorResponse("Conflicts with a stored record") } as const;

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

export const IdParam = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "42" }),
});
