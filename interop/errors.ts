/**
 * @module interop/errors
 * The one error type of the import parsers.
 */

/** What went wrong, so that callers (the Worker's import route, the wizard) can map it to a status or a message. */
export type InteropErrorCode =
  /** The file matched no known format (auto-detection) or not the format that was asked for. */
  | "unrecognized-format"
  /** The header row (or title row) is missing or does not have the columns the format needs. */
  | "bad-header"
  /** The file is structurally broken (unterminated quote, truncated JSON or XML, mismatched tags). */
  | "malformed"
  /** An option is missing or invalid (unknown time zone, no column mapping…). */
  | "bad-option"
  /** The parser was used after `end()`. */
  | "closed";

/**
 * Error thrown by every parser for a file or an option it cannot work with. Row-level problems
 * (a non-numeric value, an unreadable timestamp) are not thrown: they end up in the report's
 * `rejected` list. `line` is the 1-based line (CSV, XML) or record number (JSON) where the
 * problem was found, when there is one.
 *
 * @example
 * throw new InteropError("bad-header", "libreview: line 2 is not a LibreView header", { format: "libreview", line: 2 });
 */
export class InteropError extends Error {
  override readonly name = "InteropError";
  readonly format: string | undefined;
  readonly line: number | undefined;
  constructor(
    readonly code: InteropErrorCode,
    message: string,
    where: { format?: string; line?: number } = {},
  ) {
    super(message);
    this.format = where.format;
    this.line = where.line;
  }
}
