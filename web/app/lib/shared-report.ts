/**
 * @module shared-report
 * Shapes the report a clinician's share link opens (`GET /api/v1/shared/{token}/agp`) for the
 * AGP components: the day traces arrive as minutes after local midnight with glucose in the
 * owner's unit, and are drawn like /agp's (breaks at gaps over 15 minutes). Pure; unit-tested.
 */
import type { DayTrace } from "./agp-data.ts";
import { convertGlucoseExact, TARGET_HIGH_MGDL, TARGET_LOW_MGDL, type GlucoseUnit } from "./units.ts";

const n1 = (x: number) => Math.round(x * 10) / 10;

export function sharedDayTraces(
  daily: readonly { date: string; minute: readonly number[]; value: readonly number[] }[],
  unit: GlucoseUnit,
  f: { width: number; height: number; yMin: number; yMax: number },
  gapMinutes = 15,
): DayTrace[] {
  const low = convertGlucoseExact(TARGET_LOW_MGDL, unit);
  const high = convertGlucoseExact(TARGET_HIGH_MGDL, unit);
  return daily.map((d) => {
    let path = "";
    let inRange = 0;
    let prev = -Infinity;
    const n = Math.min(d.minute.length, d.value.length);
    for (let i = 0; i < n; i++) {
      const m = d.minute[i]!;
      const v = d.value[i]!;
      if (v >= low && v <= high) inRange++;
      const y = n1(f.height - ((Math.min(f.yMax, Math.max(f.yMin, v)) - f.yMin) / (f.yMax - f.yMin)) * f.height);
      path += `${m - prev > gapMinutes ? "M" : "L"}${n1((m / 1440) * f.width)},${y}`;
      prev = m;
    }
    return { date: d.date, readings: n, path, inRangePercent: n ? Math.round((inRange / n) * 1000) / 10 : null };
  });
}
