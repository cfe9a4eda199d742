/**
 * @module vocabulary/trend
 * CGM trend directions (Dexcom's names, which Nightscout and the API pass through), their stored
 * codes, Nightscout's numeric codes and their arrows.
 */

/**
 * Every direction, in the order of the compact storage codes (glucose_readings.trend = index + 1).
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

/** The seven directions that describe a movement (no "NONE", "NOT COMPUTABLE", "RATE OUT OF RANGE", no Triple). */
export const MOVING_DIRECTIONS = ["DoubleUp", "SingleUp", "FortyFiveUp", "Flat", "FortyFiveDown", "SingleDown", "DoubleDown"] as const;

export type MovingDirection = (typeof MOVING_DIRECTIONS)[number];

export const trendToCode = (t: TrendDirection | null | undefined): number | null => (t == null ? null : TREND_DIRECTIONS.indexOf(t) + 1);

export const trendFromCode = (code: number | null): TrendDirection | null => (code == null ? null : (TREND_DIRECTIONS[code - 1] ?? null));

/**
 * Nightscout's numeric `trend` codes 0–9, as its `lib/plugins/direction.js` and
 * `lib/server/pebble.js` number them.
 */
export const NIGHTSCOUT_TREND_CODES: Readonly<Record<number, TrendDirection>> = {
  0: "NONE",
  1: "DoubleUp",
  2: "SingleUp",
  3: "FortyFiveUp",
  4: "Flat",
  5: "FortyFiveDown",
  6: "SingleDown",
  7: "DoubleDown",
  8: "NOT COMPUTABLE",
  9: "RATE OUT OF RANGE",
};

/** Arrow of every direction, as Nightscout's `lib/plugins/direction.js` `dir2Char` draws them. */
export const TREND_ARROWS: Readonly<Record<TrendDirection, string>> = {
  NONE: "⇼",
  TripleUp: "⤊",
  DoubleUp: "⇈",
  SingleUp: "↑",
  FortyFiveUp: "↗",
  Flat: "→",
  FortyFiveDown: "↘",
  SingleDown: "↓",
  DoubleDown: "⇊",
  TripleDown: "⤋",
  "NOT COMPUTABLE": "-",
  "RATE OUT OF RANGE": "⇕",
};

const DIRECTIONS: ReadonlySet<string> = new Set(TREND_DIRECTIONS);
const MOVING: ReadonlySet<string> = new Set(MOVING_DIRECTIONS);

export function isTrendDirection(direction: unknown): direction is TrendDirection {
  return typeof direction === "string" && DIRECTIONS.has(direction);
}

/**
 * The arrow of any direction ({@link TREND_ARROWS}), or undefined for unknown text.
 *
 * @example
 * trendArrow("NOT COMPUTABLE"); // => "-"
 */
export function trendArrow(direction: string): string | undefined {
  return isTrendDirection(direction) ? TREND_ARROWS[direction] : undefined;
}

/**
 * Nightscout's numeric code of a direction ({@link NIGHTSCOUT_TREND_CODES}), or undefined for
 * the directions it does not number (TripleUp, TripleDown) and unknown text.
 *
 * @example
 * nightscoutTrendCode("Flat"); // => 4
 */
export function nightscoutTrendCode(direction: string): number | undefined {
  for (let code = 0; code <= 9; code++) if (NIGHTSCOUT_TREND_CODES[code] === direction) return code;
  return undefined;
}

export function isMovingDirection(direction: unknown): direction is MovingDirection {
  return typeof direction === "string" && MOVING.has(direction);
}

/**
 * The arrow of a movement direction, or undefined for anything else ("NONE", "NOT COMPUTABLE",
 * unknown text): no arrow is better than a wrong one where a person reads it.
 *
 * @example
 * movementArrow("FortyFiveUp"); // => "↗"
 * movementArrow("NONE");        // => undefined
 */
export function movementArrow(direction: string | null | undefined): string | undefined {
  return isMovingDirection(direction) ? TREND_ARROWS[direction] : undefined;
}
