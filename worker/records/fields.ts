/**
 * @module worker/records/fields
 * Field schemas shared by the record kinds.
 */
import { z } from "@hono/zod-openapi";
import type { FieldError } from "../lib/errors.ts";

export { TimeInput } from "../schemas/common.ts";

/** A non-negative finite number with an upper bound; null or absent means "not recorded". */
export const amount = (max: number, example?: number) =>
  z.number({ error: "must be a number" }).finite().min(0, "must not be negative").max(max, `must be at most ${max}`).nullish().openapi({ example });

export const text = (max: number, example?: string) => z.string().trim().max(max, `must be at most ${max} characters`).nullish().openapi({ example });

export const source = text(64, "manual");


/** `end` must come after `start`, and a session may not last more than `maxHours`. */
export function checkInterval(start: number, end: number, maxHours: number): FieldError[] {
  if (end <= start) return [{ path: "end", message: "must be after start" }];
  if (end - start > maxHours * 3600_000) return [{ path: "end", message: `must be within ${maxHours} hours of start` }];
  return [];
}
