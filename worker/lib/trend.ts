/**
 * Dexcom-style trend directions and their compact storage codes (glucose_readings.trend).
 * The codes are part of the stored data: append new directions, never renumber.
 */
export const TREND_DIRECTIONS = [
  "DoubleUp",
  "SingleUp",
  "FortyFiveUp",
  "Flat",
  "FortyFiveDown",
  "SingleDown",
  "DoubleDown",
  "NOT COMPUTABLE",
  "RATE OUT OF RANGE",
  "NONE",
  "TripleUp",
  "TripleDown",
] as const;

export type TrendDirection = (typeof TREND_DIRECTIONS)[number];

export const trendToCode = (t: TrendDirection | null | undefined): number | null =>
  t == null ? null : TREND_DIRECTIONS.indexOf(t) + 1;

export const trendFromCode = (code: number | null): TrendDirection | null =>
  code == null ? null : (TREND_DIRECTIONS[code - 1] ?? null);
