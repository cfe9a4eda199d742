/**
 * `npm run --silent analyze -- <command> [FILE]`: runs one analysis on a JSON document read from
 * FILE (or standard input) and writes one JSON document to standard output.
 * Bad input exits with status 2 and `{"error":{"field","message"}}` on standard error.
 */
import { InputError, readInput, toJson, type Command } from "./io.ts";
import { correlate } from "./correlate.ts";
import { matrixProfile } from "./matrix-profile.ts";
import { pcmci } from "./pcmci.ts";
import { rules } from "./rules.ts";
import { metrics } from "./metrics.ts";
import { forecastBacktest } from "./forecast-backtest.ts";

const commands: Record<string, Command> = {
  correlate,
  "matrix-profile": matrixProfile,
  pcmci,
  rules,
  metrics,
  "forecast-backtest": forecastBacktest,
};

function fail(field: string, message: string): never {
  process.stderr.write(`${JSON.stringify({ error: { field, message } })}\n`);
  process.exit(2);
}

const [name, file] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) fail("command", `unknown command ${JSON.stringify(name ?? "")}; expected one of ${Object.keys(commands).join(", ")}`);
try {
  process.stdout.write(`${toJson(command(readInput(file)))}\n`);
} catch (err) {
  if (err instanceof InputError) fail(err.field, err.message);
  if (err instanceof Error && err.name === "AnalyticsInputError") fail((err as Error & { field?: string }).field ?? "$", err.message);
  throw err;
}
