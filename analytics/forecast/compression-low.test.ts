/**
 * Compression-low detection and masking on hand-made 5-minute series.
 */
import { describe, expect, it } from "vitest";
import { detectCompressionLows, fixedOffsetMinuteOfDay, maskCompressionLows } from "./index.ts";

const MIN = 60_000;
const NIGHT = Date.UTC(2024, 0, 1, 3); // 03:00 UTC
const series = (values: readonly number[], start = NIGHT) => ({ times: Float64Array.from(values, (_, i) => start + i * 5 * MIN), values: Float64Array.from(values) });

describe("detectCompressionLows", () => {
  const artifact = Object.freeze([120, 120, 85, 60, 58, 62, 95, 118, 120]);

  it("flags a steep drop, a low plateau and a quick return to the prior level", () => {
    expect(detectCompressionLows(series(artifact))).toEqual([{ start: NIGHT + 5 * MIN, end: NIGHT + 35 * MIN, nadir: 58 }]);
  });

  it("applies the night window when the clock is known", () => {
    const utc = fixedOffsetMinuteOfDay(0);
    expect(detectCompressionLows(series(artifact), { minuteOfDay: utc })).toHaveLength(1);
    expect(detectCompressionLows(series(artifact, Date.UTC(2024, 0, 1, 14)), { minuteOfDay: utc })).toHaveLength(0);
  });

  it("keeps a physiological fall (too slow) and a fall that does not recover", () => {
    // −1 mg/dL/min for 50 minutes and back: slower than 2 mg/dL/min
    expect(detectCompressionLows(series([120, 115, 110, 105, 100, 95, 90, 85, 80, 75, 70, 90, 110, 120]))).toHaveLength(0);
    // steep fall that stays low (a real hypo, or a sensor fault that is not a compression)
    expect(detectCompressionLows(series([120, 120, 85, 60, 58, 57, 56, 58, 60, 61, 60, 62, 63, 62, 61, 60, 60, 61, 62, 63, 64, 65, 66]))).toHaveLength(0);
  });

  it("keeps a steep fall whose lowest value stays above 80 mg/dL", () => {
    expect(detectCompressionLows(series([180, 180, 140, 120, 118, 125, 160, 178, 180]))).toHaveLength(0);
  });
});

describe("maskCompressionLows", () => {
  it("removes the readings inside the episode and nothing else", () => {
    const s = series([100, 120, 120, 85, 60, 58, 62, 95, 118, 120, 121]);
    const m = maskCompressionLows(s);
    expect(Array.from(m.values)).toEqual([100, 120, 120, 118, 120, 121]);
    expect(m.times[3] - m.times[2]).toBe(30 * MIN); // a gap the resampling rule will not bridge
  });

  it("returns the same series when there is nothing to mask", () => {
    const s = series([100, 101, 102]);
    expect(maskCompressionLows(s)).toBe(s);
  });
});
