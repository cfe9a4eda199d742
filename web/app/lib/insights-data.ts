/**
 * @module insights-data
 * Shaping for /insights and /insights/patterns/{id}: how strong a result is and how good its
 * evidence, in words (so nothing relies on a colour or a bare number); pattern ids; uPlot columns
 * for motif overlays and anomaly context; the analysis job's progress. Pure, browser-safe.
 */

// ---------------------------------------------------------------------------------------------
// Strength and evidence

export type Evidence = "strong" | "moderate" | "weak" | "none";

/** Cohen's conventional bands for |r| (0.1 / 0.3 / 0.5). */
export function strengthWord(r: number): "very weak" | "weak" | "moderate" | "strong" {
  const a = Math.abs(r);
  return a >= 0.5 ? "strong" : a >= 0.3 ? "moderate" : a >= 0.1 ? "weak" : "very weak";
}

/**
 * Evidence from the (FDR-adjusted where available) p-value and the number of days: below 0.01
 * with ≥ 30 days is strong; below 0.05 moderate; a significant result from under 30 days is at
 * most moderate, since the API's tests lose power and stability on short series.
 */
export function evidenceOf({ q, p, n, significant }: { q?: number; p: number; n?: number; significant?: boolean }): Evidence {
  const x = q ?? p;
  if (significant === false || !(x < 0.05)) return x < 0.2 ? "weak" : "none";
  if (x < 0.01 && (n === undefined || n >= 30)) return "strong";
  return "moderate";
}

export const EVIDENCE_LABEL: Record<Evidence, string> = {
  strong: "Strong evidence",
  moderate: "Moderate evidence",
  weak: "Weak evidence",
  none: "No evidence of a link",
};

/** Width of the strength meter, 0–100 (|r| or |strength|, capped at 1). */
export function strengthPercent(r: number): number {
  return Math.round(Math.min(1, Math.abs(r)) * 100);
}

// ---------------------------------------------------------------------------------------------
// Pattern ids: `motif-1`, `anomaly-2` (1-based positions in GET /insights/patterns, which is
// ordered by the analysis; the id is stable for one analysis, and the page names the job).

export type PatternRef = { kind: "motif" | "anomaly"; index: number };

export function patternId(kind: PatternRef["kind"], index: number): string {
  return `${kind}-${index + 1}`;
}

export function parsePatternId(id: string | undefined): PatternRef | null {
  const m = /^(motif|anomaly)-([1-9]\d{0,3})$/.exec(id ?? "");
  return m ? { kind: m[1] as PatternRef["kind"], index: Number(m[2]) - 1 } : null;
}

// ---------------------------------------------------------------------------------------------
// Chart columns

/** Motif occurrences overlaid: x = minutes from each occurrence's start, one series each. */
export function motifColumns(motif: { minutes: readonly number[]; occurrences: readonly { values: readonly number[] }[] }): number[][] {
  const n = motif.minutes.length;
  return [motif.minutes.slice(), ...motif.occurrences.map((o) => Array.from({ length: n }, (_, k) => o.values[k] ?? Number.NaN))];
}

/** The average shape of a motif, point by point. */
export function motifMean(motif: { minutes: readonly number[]; occurrences: readonly { values: readonly number[] }[] }): number[] {
  return motif.minutes.map((_, k) => {
    const vs = motif.occurrences.map((o) => o.values[k]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    return vs.length ? Math.round((vs.reduce((a, b) => a + b, 0) / vs.length) * 10) / 10 : Number.NaN;
  });
}

/**
 * An anomaly in its context: the glucose series around it (epoch seconds, values already in the
 * user's unit) as one series, and the anomalous window as a second series that is `null`
 * outside it, so the chart can draw it thicker on top. Gaps over 15 min break the line.
 */
export function anomalyContextColumns(series: { t: readonly number[]; v: readonly number[] }, windowStartSec: number, windowEndSec: number): [number[], (number | null)[], (number | null)[]] {
  const xs: number[] = [];
  const all: (number | null)[] = [];
  const inside: (number | null)[] = [];
  for (let i = 0; i < series.t.length; i++) {
    const t = series.t[i]!;
    const v = series.v[i]!;
    if (i > 0 && t - series.t[i - 1]! > 15 * 60) {
      xs.push((t + series.t[i - 1]!) / 2);
      all.push(null);
      inside.push(null);
    }
    xs.push(t);
    all.push(v);
    inside.push(t >= windowStartSec && t <= windowEndSec ? v : null);
  }
  return [xs, all, inside];
}

// ---------------------------------------------------------------------------------------------
// Jobs

export interface JobStatusView {
  job_id: string;
  status: "queued" | "running" | "done" | "failed";
  progress: number;
  stage: string;
  stage_label: string;
  error: string | null;
}

export const isJobActive = (job: Pick<JobStatusView, "status"> | null | undefined) => job?.status === "queued" || job?.status === "running";

/** The progress bar's text: "Working on correlations: 40 %". */
export function jobProgressText(job: JobStatusView): string {
  const pct = Math.round(job.progress * 100);
  switch (job.status) {
    case "queued":
      return "Waiting for a worker to start your analysis…";
    case "running":
      return `Working on ${job.stage_label}: ${pct} %`;
    case "done":
      return "Analysis finished: the results below are up to date.";
    case "failed":
      return `The analysis failed${job.error ? `: ${job.error}` : ""}. Your data is safe; try again.`;
  }
}

/** How often to poll a job, backing off from 1 s to 5 s as it runs longer. */
export function pollDelayMs(polls: number): number {
  return Math.min(5_000, 1_000 + polls * 250);
}
