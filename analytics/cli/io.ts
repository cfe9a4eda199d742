/**
 * @module analytics/cli/io
 * Shared input/output conventions of the `analyze` command-line tool:
 * one JSON document in (file or stdin), one JSON document out, exit status 2 with a
 * JSON error on stderr naming the field for bad input. Non-finite numbers are written
 * as the strings "Infinity", "-Infinity" and "NaN".
 */
import { readFileSync } from "node:fs";

/** Bad input: the CLI prints `{"error":{"field","message"}}` on stderr and exits with 2. */
export class InputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function readInput(file: string | undefined): unknown {
  const text = file && file !== "-" ? readFileSync(file, "utf8") : readFileSync(0, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InputError("$", `input is not valid JSON: ${(err as Error).message}`);
  }
}

/** JSON.stringify that writes non-finite numbers (also inside typed arrays) as strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}

/** Reads a number that may be written as "Infinity", "-Infinity" or "NaN". */
export function parseNumber(v: unknown, field: string): number {
  if (typeof v === "number") return v;
  if (v === "NaN" || v === null) return Number.NaN;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  throw new InputError(field, `${field} must be a number`);
}

export function requireObject(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new InputError(field, `${field} must be an object`);
  return v as Record<string, unknown>;
}

export function requireNumberArray(v: unknown, field: string): number[] {
  if (!Array.isArray(v)) throw new InputError(field, `${field} must be an array of numbers`);
  return v.map((x, i) => parseNumber(x, `${field}[${i}]`));
}

export function requireInt(v: unknown, field: string, min = Number.MIN_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new InputError(field, `${field} must be an integer >= ${min}`);
  return v;
}

/** A command takes the parsed input document and returns the output document. */
export type Command = (input: unknown) => unknown;
