/**
 * @module worker/insights/sentences
 * Plain-language sentences for every kind of result, with the numbers behind them, in the user's
 * glucose unit. Built when a result is served (not when it is computed), so a user who switches
 * from mg/dL to mmol/L reads every old result in the new unit.
 *
 * Conventions: glucose in mg/dL is whole; in mmol/L one decimal; r and strengths two decimals;
 * p-values two significant digits ("p < 0.001" below that); "days" counts the day pairs used.
 */
import { formatLocalDateTime, toLocalParts } from "../../analytics/cgm/index.ts";
import {
  EXERCISE_MINUTES,
  GLUCOSE_CV_MAX_PERCENT,
  HIGH_CARB_GRAMS,
  HIGH_MEAN_GLUCOSE_MG_DL,
  HIGH_STEPS,
  LONG_SLEEP_HOURS,
  LOW_CARB_GRAMS,
  SHORT_SLEEP_HOURS,
  TIME_BELOW_RANGE_MAX_PERCENT,
  TIME_IN_RANGE_TARGET_PERCENT,
} from "../../analytics/rules/index.ts";
import { MGDL_PER_MMOL, type GlucoseUnit } from "../../vocabulary/units.ts";
import { factorByKey, targetByKey } from "./pipeline/factors.ts";
import type { CorrelationRow } from "./pipeline/stages/correlations.ts";
import type { CausalLink } from "./results.ts";
import type { DiscordResult, MotifResult } from "./pipeline/stages/matrix-profile.ts";
import type { RuleRow } from "./pipeline/stages/rules.ts";

// ---------------------------------------------------------------------------------------------
// Numbers

/** A glucose value in the user's unit: "154 mg/dL", "8.5 mmol/L". */
export function glucose(mgdl: number, unit: GlucoseUnit): string {
  return unit === "mmol/L" ? `${(mgdl / MGDL_PER_MMOL).toFixed(1)} mmol/L` : `${Math.round(mgdl)} mg/dL`;
}

/** A glucose value as a number in the user's unit (for charts and fields). */
export function glucoseValue(mgdl: number, unit: GlucoseUnit): number {
  return unit === "mmol/L" ? Math.round((mgdl / MGDL_PER_MMOL) * 10) / 10 : Math.round(mgdl * 10) / 10;
}

export function pValue(p: number): string {
  if (!(p >= 0.001)) return "p < 0.001";
  return `p = ${Number(p.toPrecision(2))}`;
}

const fixed2 = (x: number) => (Math.round(x * 100) / 100).toFixed(2);
const percent = (x: number) => `${Math.round(x)} %`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** An amount of a target's units: glucose in the user's unit, percentages as points. */
function amount(value: number, kind: "mgdl" | "percent", unit: GlucoseUnit): string {
  const v = Math.abs(value);
  return kind === "mgdl" ? glucose(v, unit) : `${Math.round(v * 10) / 10} percentage points`;
}

const stats = (row: { r: number; p: number; n: number }) => `(r = ${fixed2(row.r)}, ${pValue(row.p)}, ${plural(row.n, "day")})`;

// ---------------------------------------------------------------------------------------------
// Correlations

/** "the next day", "3 days later", "the same day". */
export function later(lag: number): string {
  return lag === 0 ? "the same day" : lag === 1 ? "the next day" : `${lag} days later`;
}

/** "your next-day average glucose", "your same-day average glucose", "your average glucose 3 days later". */
function targetAt(label: string, lag: number): string {
  return lag === 0 ? `your same-day ${label}` : lag === 1 ? `your next-day ${label}` : `your ${label} ${lag} days later`;
}

/**
 * One correlation as a sentence, for example "After nights with under 6 h of sleep, your next-day
 * average glucose is 14 mg/dL higher than after longer nights (r = -0.41, p = 0.002, 78 days)".
 * Lags count from the day of the factor; a night counts from the evening it starts (factors.ts).
 */
export function correlationSentence(row: CorrelationRow & { significant: boolean }, unit: GlucoseUnit): string {
  const factor = factorByKey(row.factor);
  const target = targetByKey(row.target);
  if (!factor || !target) return `${row.factor} and ${row.target} ${stats(row)}.`;
  const where = targetAt(target.label, row.lag);
  if (!row.significant) return `No clear link between ${factor.label} and ${where} ${stats(row)}.`;
  const e = row.effect;
  const shown = target.kind === "mgdl" ? (unit === "mmol/L" ? Math.abs(e.value) / MGDL_PER_MMOL : Math.abs(e.value)) : Math.abs(e.value);
  const same = Math.round(shown * (target.kind === "mgdl" && unit === "mg/dL" ? 1 : 10)) === 0;
  const direction = e.value > 0 ? "higher" : "lower";
  if (e.kind === "difference" && factor.condition) {
    const night = factor.minLag >= 1;
    const lead = night || row.lag >= 1 ? "After" : "On";
    const than = `${lead.toLowerCase()} ${factor.condition.otherwise}`;
    const body = same ? `about the same as ${than}` : `${amount(e.value, target.kind, unit)} ${direction} than ${than}`;
    return `${lead} ${factor.condition.phrase}, ${where} is ${body} ${stats(row)}.`;
  }
  const per = factor.per?.phrase ?? `each unit of ${factor.label}`;
  const body = same ? "about the same" : `${amount(e.value, target.kind, unit)} ${direction} on average`;
  return `With ${per}, ${where} is ${body} ${stats(row)}.`;
}

// ---------------------------------------------------------------------------------------------
// Causal links

const MORE: Record<string, string> = {
  sleep_hours: "More sleep",
  sleep_quality: "Better-rated sleep",
  late_meal: "A late meal (after 21:00)",
  carbs: "More carbohydrates",
  exercise_minutes: "More exercise",
  rest_day_steps: "More steps on rest days",
  medication_time: "Taking your medication later",
  mean_glucose: "Higher average glucose",
  morning_glucose: "Higher overnight and morning glucose",
};

const variableLabel = (key: string) => (targetByKey(key) ?? factorByKey(key))?.label ?? key;
const isGlucose = (key: string) => targetByKey(key) !== undefined;

/** When the effect lands, for a link at `lag` from a variable (night variables start the evening before). */
function linkWhen(source: string, lag: number): string {
  const night = (factorByKey(source)?.minLag ?? 0) >= 1 || source === "late_meal";
  if (night) return lag === 1 ? "the next day" : lag === 0 ? "the same evening" : `${lag} days later`;
  return later(lag);
}

/** One causal link as a sentence. `method` says how it was found. */
export function causalSentence(link: CausalLink, method: "pcmci" | "lagged_correlation"): string {
  const source = MORE[link.source] ?? variableLabel(link.source);
  const target = variableLabel(link.target);
  const numbers = method === "pcmci" ? `(strength ${fixed2(link.strength)}, ${pValue(link.p)})` : `(r = ${fixed2(link.strength)}, ${pValue(link.p)})`;
  const direction = link.strength > 0 ? "higher" : "lower";
  if (link.type === "o-o") return `${source} goes with ${direction} ${target} on the same day; the data cannot tell which comes first ${numbers}.`;
  if (method === "lagged_correlation") return `${source} is followed by ${direction} ${target} ${linkWhen(link.source, link.lag)} ${numbers}; this is a correlation, not tested for cause.`;
  if (isGlucose(link.source)) return `${source} carries over into ${direction} ${target} ${later(link.lag)} ${numbers}.`;
  return `${source} is followed by ${direction} ${target} ${linkWhen(link.source, link.lag)}, even after accounting for your other habits and the previous days' glucose ${numbers}.`;
}

/** Whether a link is worth a sentence: lifestyle → glucose, forward in time. */
export function isLifestyleLink(link: CausalLink): boolean {
  const f = factorByKey(link.source);
  return f !== undefined && isGlucose(link.target) && link.lag >= f.minLag;
}

// ---------------------------------------------------------------------------------------------
// Rules

function itemPhrase(item: string, unit: GlucoseUnit): string {
  switch (item) {
    case "short_sleep":
      return `under ${SHORT_SLEEP_HOURS} h of sleep the night before`;
    case "long_sleep":
      return `over ${LONG_SLEEP_HOURS} h of sleep the night before`;
    case "poor_sleep_quality":
      return "a poorly rated night before (1 or 2 out of 5)";
    case "late_meal":
      return "a meal after 21:00 the evening before";
    case "high_carb_day":
      return `${HIGH_CARB_GRAMS} g or more of carbohydrates`;
    case "low_carb_day":
      return `under ${LOW_CARB_GRAMS} g of carbohydrates`;
    case "exercised":
      return `${EXERCISE_MINUTES} min or more of exercise`;
    case "high_steps":
      return `${HIGH_STEPS.toLocaleString("en-US")} steps or more`;
    case "high_stress":
      return "high stress";
    case "high_glucose_day":
      return `a high-glucose day (average above ${glucose(HIGH_MEAN_GLUCOSE_MG_DL, unit)} or under ${TIME_IN_RANGE_TARGET_PERCENT} % time in range)`;
    case "low_glucose_day":
      return `more than ${TIME_BELOW_RANGE_MAX_PERCENT} % of the day below ${glucose(70, unit)}`;
    case "high_variability_day":
      return `glucose variability (CV) above ${GLUCOSE_CV_MAX_PERCENT} %`;
    default:
      return item.replaceAll("_", " ");
  }
}

const andList = (xs: string[]) => (xs.length <= 1 ? (xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}`);

/** "On 15 of the 19 days with under 6 h of sleep the night before, you had a high-glucose day (…): 79 %, 2.4 times as often as usual." */
export function ruleSentence(rule: RuleRow, unit: GlucoseUnit): string {
  const lift = Math.round(rule.lift * 10) / 10;
  return `On ${rule.days} of the ${rule.antecedentDays} days with ${andList(rule.antecedents.map((i) => itemPhrase(i, unit)))}, you had ${andList(rule.consequents.map((i) => itemPhrase(i, unit)))}: ${percent(rule.confidence * 100)} of them, ${lift} times as often as on an average day.`;
}

export const ruleItemLabel = (item: string, unit: GlucoseUnit) => itemPhrase(item, unit);

// ---------------------------------------------------------------------------------------------
// Patterns

const clock = (ms: number, tz: string) => formatLocalDateTime(ms, tz).slice(11, 16);
const dateTime = (ms: number, tz: string) => formatLocalDateTime(ms, tz).slice(0, 16);

function averageCurve(values: number[][]): number[] {
  const m = values[0]?.length ?? 0;
  return Array.from({ length: m }, (_, k) => values.reduce((s, v) => s + v[k]!, 0) / values.length);
}

/** The local hour most occurrences start in, when at least half start within an hour of it. */
function usualHour(starts: number[], tz: string): number | null {
  const hours = starts.map((s) => toLocalParts(s, tz).hour);
  let best = -1;
  let bestCount = 0;
  for (let h = 0; h < 24; h++) {
    const c = hours.filter((x) => Math.min(Math.abs(x - h), 24 - Math.abs(x - h)) <= 1).length;
    if (c > bestCount) {
      best = h;
      bestCount = c;
    }
  }
  return bestCount * 2 >= hours.length && best >= 0 ? best : null;
}

export function motifSentence(motif: MotifResult, windowMinutes: number, tz: string, unit: GlucoseUnit): string {
  const curve = averageCurve(motif.values);
  const start = curve[0]!;
  const end = curve.at(-1)!;
  const peak = Math.max(...curve);
  const low = Math.min(...curve);
  let shape: string;
  if (peak - start >= 20 && peak - end >= 20) shape = `rises by about ${glucose(peak - start, unit)} and comes back down`;
  else if (start - low >= 20 && end - low >= 20) shape = `dips by about ${glucose(start - low, unit)} and recovers`;
  else if (end - start >= 20) shape = `climbs by about ${glucose(end - start, unit)}`;
  else if (start - end >= 20) shape = `falls by about ${glucose(start - end, unit)}`;
  else shape = `stays fairly steady around ${glucose((start + end) / 2, unit)}`;
  const hour = usualHour(
    motif.occurrences.map((o) => o.start),
    tz,
  );
  const when = hour === null ? "at different times of day" : `mostly around ${String(hour).padStart(2, "0")}:00`;
  return `A recurring ${windowMinutes / 60}-hour shape: your glucose ${shape}. Seen ${motif.occurrences.length} times, ${when}.`;
}

export function discordSentence(d: DiscordResult, windowMinutes: number, typicalDistance: number, typicalRange: number, tz: string, unit: GlucoseUnit): string {
  const lo = Math.min(...d.values);
  const hi = Math.max(...d.values);
  const first = d.values[0]!;
  const last = d.values.at(-1)!;
  const move =
    Math.abs(last - first) >= 20
      ? `went from ${glucose(first, unit)} to ${glucose(last, unit)}`
      : `moved between ${glucose(lo, unit)} and ${glucose(hi, unit)}`;
  const range = hi - lo;
  const why =
    range > 1.5 * typicalRange
      ? `a swing of ${glucose(range, unit)}, where ${windowMinutes / 60} hours usually span ${glucose(typicalRange, unit)}`
      : `a shape unlike any other stretch of the period (distance ${fixed2(d.distance)}; usually ${fixed2(typicalDistance)})`;
  return `${dateTime(d.start, tz)}: for ${windowMinutes / 60} hours from ${clock(d.start, tz)} your glucose ${move}: ${why}.`;
}

export function similarDaySentence(date: string, similar: { date: string }[]): string {
  if (!similar.length) return `${date} had no day like it in the period.`;
  return `${date} looked most like ${andList(similar.map((s) => s.date))}.`;
}
