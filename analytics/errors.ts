/**
 * Error thrown by every analytics function for input it cannot work with (empty series,
 * mismatched lengths, a window longer than the series…). `field` names the offending input
 * so that callers (the CLI, the Worker) can report it without parsing the message.
 *
 * @example
 * throw new AnalyticsInputError("m", "stump: m must be at least 3, got 2");
 */
export class AnalyticsInputError extends Error {
  override readonly name = "AnalyticsInputError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
