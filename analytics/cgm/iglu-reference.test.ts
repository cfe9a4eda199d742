/**
 * Every metric against iglu 4.3.0 (R 4.2.2) on iglu's own example data.
 *
 * Expected values: `shared/data/reference/iglu/iglu_metrics_5_subject.json` (see
 * `shared/data/reference/README.md`), computed by iglu with its default arguments and tz = "EST"
 * (fixed UTC−05:00), so the CSV's clock times are read as `<time>-05:00` and the time zone is
 * "EST". Tolerance 1e-9 relative (iglu itself rounds `ndays` to one decimal, which we reproduce).
 * iglu's `NA` (JSON `null`) is `NaN` here.
 *
 * MAGE ground truth: `shared/data/reference/iglu/iglu-tests/mage_ground_truth.csv`, iglu's own
 * regression values. Its rows idx 1–18 are the "JHU" rows of `manual_calculations.csv` (slices of
 * example_data_5_subject by row number), in order; iglu's test-mage.R runs
 * `mage(data[start:end, ], short_ma = 5, long_ma = 32, inter_gap = 45, max_gap = 180)`.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  abovePercent,
  activePercent,
  adrr,
  agpMetrics,
  allMetrics,
  allMetricsConsensus,
  auc,
  belowPercent,
  cogi,
  conga,
  consensusMetrics,
  cvGlu,
  cvMeasures,
  dayByDay,
  ea1c,
  episodeCalculation,
  gmi,
  grade,
  gradeEugly,
  gradeHyper,
  gradeHypo,
  gri,
  griComponents,
  gvp,
  hbgi,
  hyperIndex,
  hypoIndex,
  igc,
  igluMetrics,
  inRangePercent,
  iqrGlu,
  jIndex,
  lbgi,
  madGlu,
  mag,
  mage,
  mageNaive,
  meanGlu,
  medianGlu,
  modd,
  mValue,
  pgs,
  prepareReadings,
  quantileGlu,
  rangeGlu,
  rMeanNaRm,
  sdGlu,
  sdMeasures,
  sdRoc,
  splitSleepWake,
  summaryGlu,
  type CgmSeries,
  type MageDirection,
  type Reading,
} from "./index.ts";

const SHARED = new URL("../../../shared/data/", import.meta.url);
const reference = JSON.parse(readFileSync(new URL("reference/iglu/iglu_metrics_5_subject.json", SHARED), "utf8")) as {
  subjects: string[];
  metrics: Record<string, { values: Record<string, unknown> }>;
};

/** iglu example CSV rows (`"id",time,gl`), time read as fixed UTC−05:00 (R's "EST"). */
function readIgluCsv(): { id: string; reading: Reading }[] {
  const text = readFileSync(new URL("iglu/example_data_5_subject.csv", SHARED), "utf8");
  return text
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [id, time, gl] = line.split(",");
      return { id: id.replaceAll('"', ""), reading: { time: Date.parse(`${time.replace(" ", "T")}-05:00`), value: Number(gl) } };
    });
}

const rows = readIgluCsv();
const subjects = reference.subjects.map((id) => {
  const readings = Object.freeze(rows.filter((r) => r.id === id).map((r) => Object.freeze(r.reading)));
  return { id, readings, series: prepareReadings(readings, "EST") };
});

/** Recursively compares with iglu's output; returns the list of mismatches (empty = equal). */
function mismatches(actual: unknown, expected: unknown, path: string, rel = 1e-9): string[] {
  if (expected === null) return typeof actual === "number" && Number.isNaN(actual) ? [] : [`${path}: got ${String(actual)}, iglu NA`];
  if (typeof expected === "string") return actual === expected ? [] : [`${path}: got ${String(actual)}, iglu ${expected}`];
  if (typeof expected === "number") {
    if (typeof actual !== "number") return [`${path}: got ${String(actual)}, iglu ${expected}`];
    const diff = Math.abs(actual - expected);
    const ok = expected === 0 ? diff <= 1e-12 : diff <= rel * Math.abs(expected);
    return ok ? [] : [`${path}: got ${actual}, iglu ${expected} (relative difference ${(diff / Math.abs(expected)).toExponential(2)})`];
  }
  const e = expected as Record<string, unknown>;
  if (typeof actual !== "object" || actual === null) return [`${path}: got ${String(actual)}, iglu an object`];
  const a = actual as Record<string, unknown>;
  const out: string[] = [];
  const extra = Object.keys(a).filter((k) => !(k in e));
  if (extra.length) out.push(`${path}: keys not in iglu's output: ${extra.join(", ")}`);
  for (const k of Object.keys(e)) out.push(...mismatches(a[k], e[k], `${path}.${k}`, rel));
  return out;
}

const mageKey = (d: MageDirection) => (d === "avg" ? "mage" : `mage_ma_${d}`);

/** One standalone call per iglu function in the reference (iglu's default arguments). */
const cases: Record<string, (s: CgmSeries) => unknown> = {
  all_metrics: (s) => allMetrics(s),
  all_metrics_consensus_only: (s) => allMetricsConsensus(s),
  mean_glu: (s) => meanGlu(s.values),
  median_glu: (s) => medianGlu(s.values),
  sd_glu: (s) => sdGlu(s.values),
  cv_glu: (s) => cvGlu(s.values),
  gmi: (s) => gmi(s.values),
  ea1c: (s) => ea1c(s.values),
  quantile_glu: (s) => quantileGlu(s.values),
  range_glu: (s) => rangeGlu(s.values),
  iqr_glu: (s) => iqrGlu(s.values),
  summary_glu: (s) => summaryGlu(s.values),
  mad_glu: (s) => madGlu(s.values),
  in_range_percent: (s) => inRangePercent(s.values),
  in_range_percent_70_140: (s) => inRangePercent(s.values, [[70, 140]]).in_range_70_140,
  below_percent: (s) => belowPercent(s.values),
  above_percent: (s) => abovePercent(s.values),
  active_percent: (s) => activePercent(s),
  lbgi: (s) => lbgi(s.values),
  hbgi: (s) => hbgi(s.values),
  adrr: (s) => adrr(s),
  j_index: (s) => jIndex(s.values),
  m_value: (s) => mValue(s.values),
  grade: (s) => grade(s.values),
  grade_hypo: (s) => gradeHypo(s.values),
  grade_hyper: (s) => gradeHyper(s.values),
  grade_eugly: (s) => gradeEugly(s.values),
  hyper_index: (s) => hyperIndex(s.values),
  hypo_index: (s) => hypoIndex(s.values),
  igc: (s) => igc(s.values),
  cogi: (s) => cogi(s.values),
  gri: (s) => gri(s.values),
  pgs: (s) => pgs(s),
  modd: (s) => modd(s),
  conga_n1: (s) => conga(s, 1),
  conga_n24: (s) => conga(s, 24),
  mag: (s) => mag(s),
  mag_n60: (s) => mag(s, 60),
  gvp: (s) => gvp(s),
  sd_measures: (s) => sdMeasures(s),
  cv_measures: (s) => cvMeasures(s),
  auc: (s) => auc(s),
  sd_roc: (s) => sdRoc(s),
  mage: (s) => mage(s),
  mage_ma_service: (s) => mage(s, { direction: "service" }),
  mage_ma_max: (s) => mage(s, { direction: "max" }),
  mage_ma_plus: (s) => mage(s, { direction: "plus" }),
  mage_ma_minus: (s) => mage(s, { direction: "minus" }),
  mage_naive: (s) => mageNaive(s.values),
  episode_calculation: (s) => episodeCalculation(s),
  agp_metrics: (s) => agpMetrics(s),
  calculate_sleep_wake_mean_glu: (s) => {
    const { sleep, wake } = splitSleepWake(s);
    return { "mean sleep": meanGlu(sleep), "mean wake": meanGlu(wake) };
  },
  calculate_sleep_wake_sd_glu: (s) => {
    const { sleep, wake } = splitSleepWake(s);
    return { "SD sleep": sdGlu(sleep), "SD wake": sdGlu(wake) };
  },
  CGMS2DayByDay_info: (s) => {
    const g = dayByDay(s);
    return { dt0: g.dt0, ndays: g.ndays, first_date: g.actualDates[0], grid_points: g.gd2d.length, grid_non_na: g.gd2d.filter((v) => !Number.isNaN(v)).length, grid_mean: rMeanNaRm(g.gd2d) };
  },
};

describe("iglu 4.3.0 reference, example_data_5_subject (tz EST)", () => {
  it("covers every metric in the reference file", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(reference.metrics).sort());
    expect(subjects.map((s) => s.readings.length)).toEqual([2915, 2829, 1533, 3664, 2925]);
  });

  describe.each(Object.keys(reference.metrics))("%s", (metric) => {
    it.each(subjects.map((s) => [s.id, s] as const))("%s", (id, s) => {
      expect(mismatches(cases[metric](s.series), reference.metrics[metric].values[id], metric)).toEqual([]);
    });
  });

  it.each(subjects.map((s) => [s.id, s] as const))("igluMetrics(%s) reproduces the whole reference object from raw readings", (id, s) => {
    const got = igluMetrics(s.readings, "EST");
    const expected = Object.fromEntries(Object.entries(reference.metrics).map(([k, v]) => [k, v.values[id]]));
    expect(mismatches(got, expected, id)).toEqual([]);
  });

  // The AGP report's time in tight range and GRI grid come from consensusMetrics: the same numbers
  // as iglu's `in_range_percent(data, target_ranges = list(c(70, 140)))` and `gri(data)` (R/gri.R).
  it.each(subjects.map((s) => [s.id, s] as const))("consensusMetrics(%s): time in tight range 70–140 and GRI as iglu, GRI = 3 · hypo + 1.6 · hyper", (id, s) => {
    const c = consensusMetrics(s.series);
    expect(mismatches(c.in_range_70_140, reference.metrics.in_range_percent_70_140.values[id], "in_range_70_140")).toEqual([]);
    expect(mismatches(c.gri, reference.metrics.gri.values[id], "gri")).toEqual([]);
    expect(mismatches(3 * c.gri_hypo + 1.6 * c.gri_hyper, reference.metrics.gri.values[id], "3 hypo + 1.6 hyper")).toEqual([]);
    const parts = griComponents(s.series.values);
    expect([parts.hypo, parts.hyper, parts.zone]).toEqual([c.gri_hypo, c.gri_hyper, c.gri_zone]);
  });

  it("gives the same numbers for shuffled input and does not mutate it", () => {
    const s = subjects[2];
    const shuffled = Object.freeze([...s.readings].reverse());
    expect(mismatches(igluMetrics(shuffled, "EST").mage, reference.metrics.mage.values[s.id], "mage")).toEqual([]);
    expect(shuffled[0]).toBe(s.readings[s.readings.length - 1]);
  });
});

describe("MAGE against iglu's test ground truth (mage_ground_truth.csv)", () => {
  const manual = readFileSync(new URL("reference/iglu/iglu-tests/manual_calculations.csv", SHARED), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
  const jhu = manual.filter((m) => m[1] === '"JHU"').map((m) => ({ start: Number(m[3]), end: Number(m[4]) }));
  const truth = readFileSync(new URL("reference/iglu/iglu-tests/mage_ground_truth.csv", SHARED), "utf8").trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
  const all = rows.map((r) => r.reading);

  it("has the 18 JHU slices that the 18 ground-truth rows refer to", () => {
    expect(jhu).toHaveLength(18);
    expect(truth.map((t) => t[1])).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
  });

  it.each(truth.map((t) => [t[1], t] as const))("idx %i: plus, minus, avg, service, max", (idx, t) => {
    const { start, end } = jhu[idx - 1];
    const series = prepareReadings(all.slice(start - 1, end), "EST");
    const [plus, minus, avg, service, max] = [t[2], t[3], t[4], t[5], t[6]];
    const expected = { plus, minus, avg, service, max };
    const got = Object.fromEntries((["plus", "minus", "avg", "service", "max"] as const).map((d) => [d, mage(series, { direction: d })]));
    expect(mismatches(got, expected, `idx ${idx}`)).toEqual([]);
  });

  it("names every direction like the reference JSON", () => {
    expect((["avg", "service", "max", "plus", "minus"] as const).map(mageKey).every((k) => k in reference.metrics)).toBe(true);
  });
});
