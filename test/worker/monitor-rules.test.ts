/**
 * The monitor's pure parts: least-squares trend and Dexcom-style directions (thresholds at their
 * boundaries), the forecast behind predicted lows, which kinds a reading calls for, and the sentences.
 * Expected slopes are worked by hand in the comments (x in minutes).
 */
import { describe, expect, it } from "vitest";
import { minutesUntilBelow } from "../../durable/forecast.ts";
import { formatRate, readingConditions, sentence, staleKind } from "../../durable/rules.ts";
import { directionOf, slopePerMinute } from "../../durable/trend.ts";
import { CLIENT_MESSAGE_TYPES, PING, PONG, SERVER_MESSAGE_TYPES } from "../../vocabulary/monitor-feed.ts";
import { ClientMessage, ServerMessage } from "../../worker/schemas/alerts.ts";
import { DEFAULT_ALERT_RULES, type AlertRules } from "../../worker/schemas/alert-rules.ts";

const MIN = 60_000;
const T = Date.UTC(2025, 0, 1);
const series = (values: number[], stepMin = 5) => Object.freeze(values.map((value, i) => Object.freeze({ time: T + i * stepMin * MIN, value })));

describe("trend", () => {
  it("is the least-squares slope in mg/dL per minute", () => {
    // x = 0, 5, 10; y = 80, 72, 62: Σ(x−x̄)(y−ȳ) = −90, Σ(x−x̄)² = 50, slope −1.8.
    expect(slopePerMinute(series([80, 72, 62]))).toBeCloseTo(-1.8, 10);
    expect(slopePerMinute(series([100, 100, 100, 100]))).toBe(0);
  });

  it("is not computable from fewer than 3 readings or a span under 5 minutes", () => {
    expect(slopePerMinute(series([80, 72]))).toBeNull();
    expect(slopePerMinute(series([80, 72, 62], 2))).toBeNull();
    expect(slopePerMinute([])).toBeNull();
    expect(directionOf(null)).toBe("NOT COMPUTABLE");
  });

  it.each([
    [3.01, "DoubleUp"],
    [3, "SingleUp"],
    [2.01, "SingleUp"],
    [2, "FortyFiveUp"],
    [1.01, "FortyFiveUp"],
    [1, "Flat"],
    [0, "Flat"],
    [-1, "Flat"],
    [-1.01, "FortyFiveDown"],
    [-2, "FortyFiveDown"],
    [-2.01, "SingleDown"],
    [-3, "SingleDown"],
    [-3.01, "DoubleDown"],
  ] as const)("rate %s is %s", (rate, direction) => {
    expect(directionOf(rate)).toBe(direction);
  });
});

describe("forecast behind the predicted low (the population model)", () => {
  const fall = (from: number, perStep: number, n = 13, stepMin = 5) => series(Array.from({ length: n }, (_, i) => from - perStep * i), stepMin);

  it("finds the crossing of a steep steady fall within the warning window", () => {
    // 15 mg/dL per 5 minutes for an hour, now at 88: the model expects the fall to slow, yet to cross 70.
    const m = minutesUntilBelow(fall(268, 15), 70, 20);
    expect(m).not.toBeNull();
    expect(m!).toBeGreaterThan(0);
    expect(m!).toBeLessThanOrEqual(20);
    expect(minutesUntilBelow(fall(268, 15), 70, 2)).toBeNull();
  });

  it("is 0 at or below the threshold, and sees no low in a flat or rising hour", () => {
    expect(minutesUntilBelow(fall(130, 5), 70, 20)).toBe(0);
    expect(minutesUntilBelow(fall(100, 0), 70, 20)).toBeNull();
    expect(minutesUntilBelow(fall(80, -2), 70, 20)).toBeNull();
  });

  it("makes no forecast from less than an hour of history or across a gap over 15 minutes", () => {
    expect(minutesUntilBelow(fall(160, 15, 4), 70, 20)).toBeNull();
    const gapped = [...fall(268, 15)].filter((_, i) => i < 5 || i > 8);
    expect(minutesUntilBelow(gapped, 70, 20)).toBeNull();
    expect(minutesUntilBelow([], 70, 20)).toBeNull();
  });

  it("resamples 1-minute readings to the same answer as 5-minute ones", () => {
    const five = minutesUntilBelow(fall(268, 15), 70, 20)!;
    const one = minutesUntilBelow(fall(268, 3, 61, 1), 70, 20)!;
    expect(one).toBeCloseTo(five, 0);
  });
});

describe("rules", () => {
  const rules: AlertRules = DEFAULT_ALERT_RULES;
  const kinds = (value: number, rate: number | null = null, minutesToLow: number | null = null, r = rules) =>
    Object.entries(readingConditions({ value, rate, minutesToLow }, r))
      .filter(([, on]) => on)
      .map(([k]) => k);

  it("uses inclusive thresholds, with urgent kinds taking over", () => {
    expect(kinds(55)).toEqual(["urgent_low"]);
    expect(kinds(56)).toEqual(["low"]);
    expect(kinds(70)).toEqual(["low"]);
    expect(kinds(71)).toEqual([]);
    expect(kinds(180)).toEqual(["high"]);
    expect(kinds(259)).toEqual(["high"]);
    expect(kinds(260)).toEqual(["urgent_high"]);
  });

  it("uses strict rates, and switched-off rules stay silent (urgent low cannot be switched off)", () => {
    expect(kinds(120, -3)).toEqual([]);
    expect(kinds(120, -3.1)).toEqual(["falling_fast"]);
    expect(kinds(120, 3.1)).toEqual(["rising_fast"]);
    const off: AlertRules = { ...rules, low: { enabled: false, value: 70 }, high: { enabled: false, value: 180 }, urgent_high: { enabled: false, value: 260 }, falling_fast: { enabled: false, rate: 3 } };
    expect(kinds(60, -5, null, off)).toEqual([]);
    expect(kinds(50, -5, null, off)).toEqual(["urgent_low"]);
    expect(kinds(300, 0, null, off)).toEqual([]);
    // With urgent high off, high covers everything above its threshold.
    expect(kinds(300, 0, null, { ...rules, urgent_high: { enabled: false, value: 260 } })).toEqual(["high"]);
  });

  it("predicts a low only above the low threshold and within the horizon", () => {
    expect(kinds(86, -1.6, 10)).toEqual(["predicted_low"]);
    expect(kinds(86, -1.6, 25)).toEqual([]);
    expect(kinds(68, -1.6, 0)).toEqual(["low"]);
  });

  it("calls 20 minutes without data a warning and 40 urgent", () => {
    expect(staleKind(19.9 * MIN, rules)).toBeNull();
    expect(staleKind(20 * MIN, rules)).toBe("stale");
    expect(staleKind(40 * MIN, rules)).toBe("urgent_stale");
    expect(staleKind(60 * MIN, { ...rules, stale: { ...rules.stale, enabled: false } })).toBeNull();
  });
});

describe("sentences", () => {
  it("reads like the issue's example, in either unit", () => {
    expect(sentence({ kind: "low", value: 62, rate: -2.1, direction: "SingleDown", unit: "mg/dL", minutes: null })).toBe("Low: 62 mg/dL and falling (\u22122.1 mg/dL/min)");
    expect(sentence({ kind: "low", value: 62, rate: -2.1, direction: "SingleDown", unit: "mmol/L", minutes: null })).toBe("Low: 3.4 mmol/L and falling (\u22120.12 mmol/L/min)");
    expect(sentence({ kind: "high", value: 190, rate: 0.4, direction: "Flat", unit: "mg/dL", minutes: null })).toBe("High: 190 mg/dL and steady (+0.4 mg/dL/min)");
    expect(sentence({ kind: "urgent_low", value: 50, rate: null, direction: "NOT COMPUTABLE", unit: "mg/dL", minutes: null })).toBe("Urgent low: 50 mg/dL");
    expect(sentence({ kind: "falling_fast", value: 120, rate: -3.4, direction: "DoubleDown", unit: "mg/dL", minutes: null })).toBe("Falling fast: 120 mg/dL, \u22123.4 mg/dL/min");
    expect(sentence({ kind: "stale", value: 110, rate: null, direction: "NOT COMPUTABLE", unit: "mg/dL", minutes: 21 })).toBe("No data: no reading for 21 minutes (last 110 mg/dL)");
    expect(formatRate(-0.04, "mg/dL")).toBe("0.0 mg/dL/min");
  });
});

describe("the shared message schema", () => {
  it("parses what clients may send and refuses the rest", () => {
    expect(ClientMessage.parse({ type: "snooze", kind: "urgent_low", minutes: 30 })).toEqual({ type: "snooze", kind: "urgent_low", minutes: 30 });
    expect(ClientMessage.safeParse({ type: "snooze", kind: "urgent_low", minutes: 60 }).success).toBe(false);
    expect(ClientMessage.safeParse({ type: "ack", id: "" }).success).toBe(false);
    expect(ServerMessage.parse({ type: "pong" })).toEqual({ type: "pong" });
  });

  it("has exactly the message types and ping/pong texts vocabulary/monitor-feed.ts names for the web app", () => {
    expect(ServerMessage.options.map((o) => o.shape.type.value)).toEqual(SERVER_MESSAGE_TYPES);
    expect(ClientMessage.options.map((o) => o.shape.type.value)).toEqual(CLIENT_MESSAGE_TYPES);
    expect(ClientMessage.parse(JSON.parse(PING))).toEqual({ type: "ping" });
    expect(ServerMessage.parse(JSON.parse(PONG))).toEqual({ type: "pong" });
  });
});
