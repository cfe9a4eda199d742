/**
 * @module worker/reports/agp-pdf
 * The clinician AGP report as a two-page A4 PDF, drawn with pdf-lib (pure JavaScript: no Node
 * APIs, no `eval`, runs in workerd) and the PDF standard fonts only, so nothing is embedded but
 * the drawing itself (a 90-day report is a few tens of kB).
 *
 * Page 1 follows the layout of the international consensus AGP report (Battelino et al.,
 * Diabetes Care 2019;42:1593–1603, Fig. 3; AGP report v5): header, glucose statistics and
 * targets, the time-in-ranges bar with time in tight range (70–140 mg/dL), the percentile
 * profile (5/25/50/75/95 over 24 h, target range shaded) and the daily profiles of the most
 * recent 14 days. Page 2: the GRI grid (Klonoff et al., J Diabetes Sci Technol
 * 2023;17(5):1226–1242, Fig. 4: hypoglycaemia component on x 0–30 %, hyperglycaemia component on
 * y 0–60 %, zones A–E bounded by 3 · x + 1.6 · y = 20, 40, 60, 80) with the person's point, and the
 * insulin and meal summary. Every number comes from {@link AgpReport} (the API's own answer).
 */
import { PDFDocument, PageSizes, StandardFonts, degrees, rgb, type Color, type PDFFont, type PDFPage } from "pdf-lib";
import { GRI_ZONE_LIMITS } from "../../analytics/cgm/index.ts";
import { MGDL_PER_MMOL, type GlucoseUnit } from "../../vocabulary/units.ts";
import type { AgpReport } from "./agp-report.ts";

const [PAGE_W, PAGE_H] = PageSizes.A4;
const MARGIN = 36;
const CONTENT_W = PAGE_W - 2 * MARGIN;

const INK = rgb(0.13, 0.13, 0.16);
const MUTED = rgb(0.4, 0.42, 0.46);
const RULE = rgb(0.75, 0.77, 0.8);
const HEAD_BG = rgb(0.2, 0.27, 0.4);
const TARGET_FILL = rgb(0.86, 0.94, 0.87);
const TARGET_LINE = rgb(0.16, 0.6, 0.3);
const BAND_OUTER = rgb(0.78, 0.84, 0.93);
const BAND_INNER = rgb(0.45, 0.58, 0.78);
const MEDIAN = rgb(0.1, 0.2, 0.45);
const TRACE = rgb(0.15, 0.2, 0.35);

/** The consensus bands, top to bottom as on the report, with their colours. */
const BANDS = [
  { key: "very_high", label: "Very high", color: rgb(0.89, 0.38, 0.16) },
  { key: "high", label: "High", color: rgb(0.98, 0.71, 0.2) },
  { key: "target", label: "Target", color: rgb(0.16, 0.63, 0.33) },
  { key: "low", label: "Low", color: rgb(0.89, 0.15, 0.17) },
  { key: "very_low", label: "Very low", color: rgb(0.55, 0.05, 0.08) },
] as const;

const ZONE_COLORS: Record<string, Color> = {
  A: rgb(0.62, 0.83, 0.6),
  B: rgb(0.85, 0.9, 0.55),
  C: rgb(0.99, 0.86, 0.5),
  D: rgb(0.98, 0.68, 0.45),
  E: rgb(0.93, 0.47, 0.45),
};

/** Glucose thresholds (mg/dL) of the report, shown in the user's unit. */
const mg = (x: number, unit: GlucoseUnit) => (unit === "mmol/L" ? x / MGDL_PER_MMOL : x);
const label = (x: number, unit: GlucoseUnit) => (unit === "mmol/L" ? (x / MGDL_PER_MMOL).toFixed(1) : String(x));
/** The AGP's glucose axis: 0 to 350 mg/dL (19.4 mmol/L), ticks at the consensus thresholds. */
const Y_MAX_MGDL = 350;
const Y_TICKS_MGDL = [54, 70, 180, 250, 350];

const pct = (x: number) => `${x.toFixed(1)} %`;

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  /** Characters the standard fonts can encode (WinAnsi). */
  charset: Set<number>;
}

/** Text the standard fonts can show: characters outside WinAnsi (a name in another script) become "?". */
function safe(text: string, fonts: Fonts): string {
  let out = "";
  for (const ch of text) out += fonts.charset.has(ch.codePointAt(0)!) ? ch : "?";
  return out;
}

/** Draws with top-left coordinates (y down from the top of the page), as the layout is planned. */
class Canvas {
  constructor(
    readonly page: PDFPage,
    readonly fonts: Fonts,
  ) {}

  text(s: string, x: number, top: number, opts: { size?: number; bold?: boolean; color?: Color; align?: "left" | "right" | "center" } = {}) {
    const size = opts.size ?? 8;
    const font = opts.bold ? this.fonts.bold : this.fonts.regular;
    const t = safe(s, this.fonts);
    const w = font.widthOfTextAtSize(t, size);
    const dx = opts.align === "right" ? -w : opts.align === "center" ? -w / 2 : 0;
    this.page.drawText(t, { x: x + dx, y: PAGE_H - top - size * 0.8, size, font, color: opts.color ?? INK });
    return w;
  }

  rect(x: number, top: number, w: number, h: number, opts: { fill?: Color; stroke?: Color; lineWidth?: number }) {
    this.page.drawRectangle({ x, y: PAGE_H - top - h, width: w, height: h, color: opts.fill, borderColor: opts.stroke, borderWidth: opts.stroke ? (opts.lineWidth ?? 0.5) : 0 });
  }

  line(x1: number, top1: number, x2: number, top2: number, color: Color = RULE, width = 0.5, dash?: number[]) {
    this.page.drawLine({ start: { x: x1, y: PAGE_H - top1 }, end: { x: x2, y: PAGE_H - top2 }, thickness: width, color, dashArray: dash });
  }

  /** An SVG path whose coordinates are page points from the top-left corner. */
  path(d: string, opts: { fill?: Color; stroke?: Color; lineWidth?: number }) {
    if (!d) return;
    this.page.drawSvgPath(d, { x: 0, y: PAGE_H, color: opts.fill, borderColor: opts.stroke, borderWidth: opts.stroke ? (opts.lineWidth ?? 0.8) : 0 });
  }

  /** A section title on a dark band, as the consensus report heads its panels. */
  heading(s: string, x: number, top: number, w: number) {
    this.rect(x, top, w, 14, { fill: HEAD_BG });
    this.text(s.toUpperCase(), x + 5, top + 3.5, { size: 8, bold: true, color: rgb(1, 1, 1) });
  }
}

const n1 = (x: number) => Math.round(x * 10) / 10;
// Formatters are built once: building one costs more than formatting with it.
const DATE_YEAR = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });
const DATE = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short" });
const WEEKDAY = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short" });
/** A local date (YYYY-MM-DD) as "4 Dec 2026" (or "4 Dec"). */
const fmtDate = (iso: string, withYear = true) => (withYear ? DATE_YEAR : DATE).format(new Date(`${iso}T12:00:00Z`));
const weekday = (iso: string) => WEEKDAY.format(new Date(`${iso}T12:00:00Z`));
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, "0")}:00`;

/** Hours and minutes of a day that a share of time stands for ("3 h 22 min a day"). */
function perDay(percent: number): string {
  const m = Math.round((percent / 100) * 1440);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
}

function header(cv: Canvas, r: AgpReport, pageNo: number) {
  cv.text("AGP Report: Continuous Glucose Monitoring", MARGIN, MARGIN, { size: 15, bold: true });
  cv.text(`Page ${pageNo} of 2`, PAGE_W - MARGIN, MARGIN + 3, { size: 8, color: MUTED, align: "right" });
  const top = MARGIN + 22;
  cv.text("Name", MARGIN, top, { size: 7, color: MUTED });
  cv.text(r.patient.name, MARGIN, top + 9, { size: 10, bold: true });
  cv.text("Period", MARGIN + 190, top, { size: 7, color: MUTED });
  cv.text(`${fmtDate(r.first_date)} - ${fmtDate(r.last_date)} (${r.days} days)`, MARGIN + 190, top + 9, { size: 10, bold: true });
  cv.text("Time zone, unit", MARGIN + 400, top, { size: 7, color: MUTED });
  cv.text(`${r.timezone.replace(/_/g, " ")}, ${r.unit}`, MARGIN + 400, top + 9, { size: 9 });
  cv.line(MARGIN, top + 25, PAGE_W - MARGIN, top + 25, INK, 1);
  return top + 33;
}

function footer(cv: Canvas, r: AgpReport) {
  const top = PAGE_H - MARGIN + 6;
  cv.text(`GlucoLens report of the complete days to ${fmtDate(r.last_date)}. Layout after the international consensus AGP report (Battelino et al., Diabetes Care 2019;42:1593-1603).`, MARGIN, top, {
    size: 6.5,
    color: MUTED,
  });
}

function statistics(cv: Canvas, r: AgpReport, top: number, w: number) {
  cv.heading("Glucose statistics and targets", MARGIN, top, w);
  const m = r.agp.metrics;
  let y = top + 20;
  const row = (name: string, value: string, note = "") => {
    cv.text(name, MARGIN + 4, y, { size: 8 });
    cv.text(value, MARGIN + w - 4, y, { size: 8.5, bold: true, align: "right" });
    if (note) cv.text(note, MARGIN + 4, y + 9.5, { size: 6.5, color: MUTED });
    y += note ? 20 : 13;
    cv.line(MARGIN + 4, y - 3.5, MARGIN + w - 4, y - 3.5, rgb(0.9, 0.91, 0.93));
  };
  row(`${fmtDate(r.first_date)} - ${fmtDate(r.last_date)}`, `${r.days} days`);
  row("Days with CGM data", `${r.days_with_data} of ${r.days}`);
  row("% Time CGM is active", m ? pct(m.active_percent) : "-", "Goal: 70 % or more of the expected readings");
  if (!m) {
    cv.text("Too few readings in this period for the statistics.", MARGIN + 4, y + 4, { size: 8, color: MUTED });
    return;
  }
  const digits = r.unit === "mmol/L" ? 1 : 0;
  row("Mean glucose", `${m.mean.toFixed(digits)} ${r.unit}`);
  row("Glucose Management Indicator (GMI)", pct(m.gmi_percent), "Estimated HbA1c from the mean glucose");
  row("Glucose variability (CV)", pct(m.cv_percent), "Goal: 36 % or less");
  row("Glycemia Risk Index (GRI)", `${m.gri.toFixed(1)} (zone ${m.gri_zone})`, "0 (best) to 100; see the GRI grid on page 2");

  y += 2;
  cv.text("Glucose ranges and targets for type 1 and type 2 diabetes", MARGIN + 4, y, { size: 7, bold: true });
  y += 10;
  const u = r.unit;
  const goals: [string, string][] = [
    [`Target range ${label(70, u)}-${label(180, u)} ${u}`, "more than 70 % (16 h 48 min)"],
    [`Below ${label(70, u)} ${u}`, "less than 4 % (58 min)"],
    [`Below ${label(54, u)} ${u}`, "less than 1 % (14 min)"],
    [`Above ${label(180, u)} ${u}`, "less than 25 % (6 h)"],
    [`Above ${label(250, u)} ${u}`, "less than 5 % (1 h 12 min)"],
  ];
  for (const [range, goal] of goals) {
    cv.text(range, MARGIN + 4, y, { size: 7 });
    cv.text(goal, MARGIN + w - 4, y, { size: 7, align: "right" });
    y += 9.5;
  }
}

function timeInRanges(cv: Canvas, r: AgpReport, left: number, top: number, w: number, h: number) {
  cv.heading("Time in ranges", left, top, w);
  const m = r.agp.metrics;
  if (!m) return;
  const u = r.unit;
  const shares: Record<(typeof BANDS)[number]["key"], { percent: number; range: string }> = {
    very_high: { percent: m.above_250_percent, range: `> ${label(250, u)}` },
    high: { percent: Math.max(0, m.above_180_percent - m.above_250_percent), range: `${label(181, u)}-${label(250, u)}` },
    target: { percent: m.in_range_percent, range: `${label(70, u)}-${label(180, u)}` },
    low: { percent: Math.max(0, m.below_70_percent - m.below_54_percent), range: `${label(54, u)}-${label(69, u)}` },
    very_low: { percent: m.below_54_percent, range: `< ${label(54, u)}` },
  };
  const barX = left + 10;
  const barW = 26;
  const barTop = top + 24;
  const barH = h - 34;
  const total = BANDS.reduce((s, b) => s + shares[b.key].percent, 0) || 1;
  let y = barTop;
  const centres: number[] = [];
  for (const b of BANDS) {
    // A band of a small share still shows as a sliver, as on the consensus report.
    const segH = shares[b.key].percent > 0 ? Math.max(2, (shares[b.key].percent / total) * barH) : 0;
    if (segH > 0) cv.rect(barX, y, barW, segH, { fill: b.color });
    centres.push(y + segH / 2);
    y += segH + (segH > 0 ? 1 : 0);
  }
  // Labels evenly spaced (a sliver's label would collide with its neighbour's), each joined to its band.
  const labelX = barX + barW + 28;
  const step = barH / BANDS.length;
  BANDS.forEach((b, k) => {
    const ly = barTop + step * k + step / 2 - 8;
    cv.line(barX + barW + 2, centres[k]!, labelX - 3, ly + 6, RULE, 0.5);
    cv.text(`${b.label} (${shares[b.key].range} ${u})`, labelX, ly, { size: 7.5 });
    cv.text(pct(shares[b.key].percent), left + w - 6, ly, { size: 9, bold: true, align: "right" });
    cv.text(perDay(shares[b.key].percent) + " a day", labelX, ly + 9, { size: 6.5, color: MUTED });
  });
  // Time in tight range: its own bar beside, 70–140 within the target band.
  const tightTop = top + h + 6;
  cv.text(`Time in tight range (${label(70, u)}-${label(140, u)} ${u})`, left + 10, tightTop, { size: 7.5, bold: true });
  cv.text(pct(m.tight_range_percent), left + w - 6, tightTop, { size: 9, bold: true, align: "right" });
  const tbTop = tightTop + 12;
  const tbW = w - 20;
  cv.rect(left + 10, tbTop, tbW, 6, { fill: rgb(0.92, 0.93, 0.95) });
  cv.rect(left + 10, tbTop, (tbW * Math.min(100, m.tight_range_percent)) / 100, 6, { fill: TARGET_LINE });
  cv.text(`${perDay(m.tight_range_percent)} a day`, left + 10, tbTop + 9, { size: 6.5, color: MUTED });
}

function agpChart(cv: Canvas, r: AgpReport, top: number, h: number) {
  cv.heading("Ambulatory glucose profile (AGP)", MARGIN, top, CONTENT_W);
  cv.text(`${r.days} days laid over one day: median (50 %), 25-75 % and 5-95 % of readings by time of day.`, MARGIN, top + 18, { size: 7, color: MUTED });
  const u = r.unit;
  const x0 = MARGIN + 34;
  const x1 = PAGE_W - MARGIN - 30;
  const y0 = top + 40;
  const y1 = top + h - 14;
  const X = (minute: number) => x0 + ((x1 - x0) * minute) / 1440;
  const Y = (value: number) => y1 - ((y1 - y0) * Math.min(value, mg(Y_MAX_MGDL, u))) / mg(Y_MAX_MGDL, u);
  cv.rect(x0, Y(mg(180, u)), x1 - x0, Y(mg(70, u)) - Y(mg(180, u)), { fill: TARGET_FILL });
  for (const t of Y_TICKS_MGDL) {
    const isTarget = t === 70 || t === 180;
    cv.line(x0, Y(mg(t, u)), x1, Y(mg(t, u)), isTarget ? TARGET_LINE : RULE, isTarget ? 0.8 : 0.4);
    cv.text(label(t, u), x0 - 4, Y(mg(t, u)) - 3, { size: 7, align: "right", color: isTarget ? TARGET_LINE : MUTED });
  }
  cv.text(u, x0 - 4, y0 - 12, { size: 6.5, color: MUTED, align: "right" });
  for (let m = 0; m <= 1440; m += 180) {
    cv.line(X(m), y0, X(m), y1, RULE, 0.3);
    cv.text(hhmm(m), X(m), y1 + 3, { size: 6.5, align: "center", color: MUTED });
  }
  const a = r.agp;
  // Bin values at the bin centres; a bin without readings breaks the bands and the line.
  const xs = a.minute.map((m) => m + a.bin_minutes / 2);
  const band = (lo: (number | null)[], hi: (number | null)[], fill: Color) => {
    let d = "";
    let run: number[] = [];
    const flush = () => {
      if (run.length > 1) {
        d += run.map((i, k) => `${k ? "L" : "M"}${X(xs[i]!).toFixed(1)} ${Y(hi[i]!).toFixed(1)}`).join(" ");
        d += " " + [...run].reverse().map((i) => `L${X(xs[i]!).toFixed(1)} ${Y(lo[i]!).toFixed(1)}`).join(" ") + " Z ";
      }
      run = [];
    };
    xs.forEach((_, i) => (lo[i] === null || hi[i] === null ? flush() : run.push(i)));
    flush();
    cv.path(d, { fill });
  };
  band(a.p5, a.p95, BAND_OUTER);
  band(a.p25, a.p75, BAND_INNER);
  let d = "";
  let pen = false;
  xs.forEach((x, i) => {
    const v = a.p50[i];
    if (v === null || v === undefined) return void (pen = false);
    d += `${pen ? "L" : "M"}${X(x).toFixed(1)} ${Y(v).toFixed(1)} `;
    pen = true;
  });
  cv.path(d, { stroke: MEDIAN, lineWidth: 1.6 });
  // Percentile names at the right edge, beside the last bin with data.
  const last = xs.findLastIndex((_, i) => a.p50[i] !== null);
  if (last >= 0) {
    const names: [string, number | null][] = [
      ["95 %", a.p95[last] ?? null],
      ["75 %", a.p75[last] ?? null],
      ["50 %", a.p50[last] ?? null],
      ["25 %", a.p25[last] ?? null],
      ["5 %", a.p5[last] ?? null],
    ];
    let prev = -Infinity;
    for (const [n, v] of names) {
      if (v === null) continue;
      const ty = Math.max(Y(v) - 3, prev + 8);
      cv.text(n, x1 + 4, ty, { size: 6.5, color: MUTED });
      prev = ty;
    }
  }
  if (r.agp.readings === 0) cv.text("No readings in this period.", (x0 + x1) / 2, (y0 + y1) / 2, { size: 10, color: MUTED, align: "center" });
}

function dailyProfiles(cv: Canvas, r: AgpReport, top: number, h: number) {
  cv.heading("Daily glucose profiles", MARGIN, top, CONTENT_W);
  cv.text(`The most recent ${r.daily.length} days, each from midnight to midnight; the green lines mark ${label(70, r.unit)} and ${label(180, r.unit)} ${r.unit}.`, MARGIN, top + 18, {
    size: 7,
    color: MUTED,
  });
  const u = r.unit;
  const cols = 7;
  const rows = Math.max(1, Math.ceil(r.daily.length / cols));
  const gridTop = top + 30;
  const cellW = CONTENT_W / cols;
  const cellH = (h - 30) / rows;
  r.daily.forEach((day, k) => {
    const cx = MARGIN + (k % cols) * cellW;
    const cy = gridTop + Math.floor(k / cols) * cellH;
    cv.text(`${weekday(day.date)} ${fmtDate(day.date, false)}`, cx + 3, cy + 2, { size: 6.5, bold: true });
    const px0 = cx + 2;
    const px1 = cx + cellW - 2;
    const py0 = cy + 12;
    const py1 = cy + cellH - 3;
    cv.rect(px0, py0, px1 - px0, py1 - py0, { stroke: RULE, lineWidth: 0.4 });
    const X = (minute: number) => px0 + ((px1 - px0) * minute) / 1440;
    const Y = (value: number) => py1 - ((py1 - py0) * Math.min(value, mg(Y_MAX_MGDL, u))) / mg(Y_MAX_MGDL, u);
    cv.rect(px0, Y(mg(180, u)), px1 - px0, Y(mg(70, u)) - Y(mg(180, u)), { fill: TARGET_FILL });
    cv.line(px0, Y(mg(70, u)), px1, Y(mg(70, u)), TARGET_LINE, 0.4);
    cv.line(px0, Y(mg(180, u)), px1, Y(mg(180, u)), TARGET_LINE, 0.4);
    let d = "";
    for (let i = 0; i < day.minute.length; i++) {
      // A gap of more than 20 minutes lifts the pen.
      const jump = i === 0 || day.minute[i]! - day.minute[i - 1]! > 20;
      d += `${jump ? "M" : "L"}${X(day.minute[i]!).toFixed(1)} ${Y(day.value[i]!).toFixed(1)} `;
    }
    cv.path(d, { stroke: TRACE, lineWidth: 0.6 });
    if (!day.minute.length) cv.text("no data", (px0 + px1) / 2, (py0 + py1) / 2 - 3, { size: 6.5, color: MUTED, align: "center" });
  });
}

function griGrid(cv: Canvas, r: AgpReport, top: number) {
  cv.heading("Glycemia Risk Index (GRI)", MARGIN, top, CONTENT_W);
  const m = r.agp.metrics;
  cv.text("Hypoglycemia component = % below 54 + 0.8 x % 54-69 mg/dL; hyperglycemia component = % above 250 + 0.5 x % 181-250 mg/dL.", MARGIN, top + 18, { size: 7, color: MUTED });
  cv.text("GRI = 3.0 x hypoglycemia component + 1.6 x hyperglycemia component (Klonoff et al., J Diabetes Sci Technol 2023;17(5):1226-1242).", MARGIN, top + 27, { size: 7, color: MUTED });
  const X_MAX = 30;
  const Y_MAX = 60;
  const x0 = MARGIN + 40;
  const gw = 300;
  const y0 = top + 44;
  const gh = 270;
  const X = (v: number) => x0 + (gw * Math.min(v, X_MAX)) / X_MAX;
  const Y = (v: number) => y0 + gh - (gh * Math.min(v, Y_MAX)) / Y_MAX;
  // Zones: E fills the grid, then D, C, B, A on top as the triangles 3x + 1.6y <= limit.
  cv.rect(x0, y0, gw, gh, { fill: ZONE_COLORS.E });
  [...GRI_ZONE_LIMITS].reverse().forEach((limit, k) => {
    const zone = "DCBA"[k]!;
    cv.path(`M${X(0)} ${Y(0)} L${X(limit / 3)} ${Y(0)} L${X(0)} ${Y(limit / 1.6)} Z`, { fill: ZONE_COLORS[zone] });
  });
  for (const limit of GRI_ZONE_LIMITS) cv.line(X(limit / 3), Y(0), X(0), Y(limit / 1.6), rgb(1, 1, 1), 1);
  // Zone letters along the diagonal, in the middle of each band.
  [10, 30, 50, 70, 90].forEach((g, k) => {
    const t = 0.42;
    cv.text("ABCDE"[k]!, X(((g / 3) * t) / 1), Y((g / 1.6) * (1 - t)) - 5, { size: 11, bold: true, color: rgb(1, 1, 1), align: "center" });
  });
  cv.rect(x0, y0, gw, gh, { stroke: INK, lineWidth: 0.6 });
  for (let v = 0; v <= X_MAX; v += 5) {
    cv.line(X(v), y0 + gh, X(v), y0 + gh + 3, INK, 0.5);
    cv.text(String(v), X(v), y0 + gh + 5, { size: 7, align: "center" });
  }
  for (let v = 0; v <= Y_MAX; v += 10) {
    cv.line(x0 - 3, Y(v), x0, Y(v), INK, 0.5);
    cv.text(String(v), x0 - 5, Y(v) - 3, { size: 7, align: "right" });
  }
  cv.text("Hypoglycemia component (%)", x0 + gw / 2, y0 + gh + 16, { size: 8, bold: true, align: "center" });
  cv.page.drawText(safe("Hyperglycemia component (%)", cv.fonts), { x: MARGIN + 12, y: PAGE_H - (y0 + gh / 2) - 50, size: 8, font: cv.fonts.bold, color: INK, rotate: degrees(90) });
  if (m) {
    const px = X(m.gri_hypo);
    const py = Y(m.gri_hyper);
    cv.page.drawCircle({ x: px, y: PAGE_H - py, size: 4.5, color: INK, borderColor: rgb(1, 1, 1), borderWidth: 1.2 });
    if (m.gri_hypo > X_MAX || m.gri_hyper > Y_MAX) cv.text("(beyond the grid: drawn at its edge)", x0 + gw, y0 - 9, { size: 6.5, color: MUTED, align: "right" });
  }
  // Legend and the person's numbers, right of the grid.
  const lx = x0 + gw + 30;
  let ly = y0;
  if (m) {
    cv.text("GRI", lx, ly, { size: 8, color: MUTED });
    cv.text(`${m.gri.toFixed(1)}`, lx, ly + 10, { size: 20, bold: true });
    cv.text(`Zone ${m.gri_zone}`, lx + 70, ly + 16, { size: 12, bold: true });
    ly += 40;
    cv.text("Hypoglycemia component", lx, ly, { size: 7.5 });
    cv.text(pct(m.gri_hypo), PAGE_W - MARGIN, ly, { size: 8.5, bold: true, align: "right" });
    ly += 12;
    cv.text("Hyperglycemia component", lx, ly, { size: 7.5 });
    cv.text(pct(m.gri_hyper), PAGE_W - MARGIN, ly, { size: 8.5, bold: true, align: "right" });
    ly += 22;
  } else {
    cv.text("Too few readings for the GRI.", lx, ly, { size: 8, color: MUTED });
    ly += 22;
  }
  const bounds = ["0-20", "21-40", "41-60", "61-80", "81-100"];
  cv.text("Zones by GRI", lx, ly, { size: 7.5, bold: true });
  ly += 11;
  "ABCDE".split("").forEach((z, k) => {
    cv.rect(lx, ly, 9, 9, { fill: ZONE_COLORS[z] });
    cv.text(`Zone ${z}: GRI ${bounds[k]}${k === 0 ? " (lowest risk)" : k === 4 ? " (highest risk)" : ""}`, lx + 14, ly + 1, { size: 7.5 });
    ly += 13;
  });
  return y0 + gh + 30;
}

function therapy(cv: Canvas, r: AgpReport, top: number) {
  cv.heading("Insulin and meals", MARGIN, top, CONTENT_W);
  const t = r.therapy;
  let y = top + 20;
  if (t.days_with_meals === 0 && t.days_with_insulin === 0) {
    cv.text("No meal or insulin records in this period.", MARGIN + 4, y, { size: 8, color: MUTED });
    return;
  }
  cv.text(`Daily totals from the records, averaged over the days that have them (meals on ${t.days_with_meals}, insulin on ${t.days_with_insulin} of ${r.days} days).`, MARGIN + 4, y, { size: 7, color: MUTED });
  y += 14;
  const rows: [string, number | null, string][] = [
    ["Carbohydrates", t.carbs_g_per_day, "g a day"],
    ["Meals", t.meals_per_day, "a day"],
    ["Bolus insulin", t.bolus_units_per_day, "units a day"],
    ["Basal insulin", t.basal_units_per_day, "units a day"],
    ["Total insulin", t.total_units_per_day, "units a day"],
  ];
  for (const [name, value, unit] of rows) {
    cv.text(name, MARGIN + 4, y, { size: 8 });
    cv.text(value === null ? "-" : `${n1(value).toFixed(1)} ${unit}`, MARGIN + 260, y, { size: 8.5, bold: true, align: "right" });
    y += 13;
  }
}

/** The report as PDF bytes (two A4 pages). */
export async function renderAgpPdf(r: AgpReport): Promise<Uint8Array> {
  // The same data gives the same bytes: the dates in the file are the period's end, not the clock.
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(`AGP report ${r.first_date} to ${r.last_date}`);
  doc.setSubject("Ambulatory glucose profile (international consensus layout) and glycemia risk index");
  doc.setCreator("GlucoLens");
  doc.setProducer("GlucoLens (pdf-lib)");
  doc.setCreationDate(new Date(r.agp.end));
  doc.setModificationDate(new Date(r.agp.end));
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const fonts: Fonts = { regular, bold, charset: new Set(regular.getCharacterSet()) };

  const one = new Canvas(doc.addPage(PageSizes.A4), fonts);
  let top = header(one, r, 1);
  const statsW = 262;
  statistics(one, r, top, statsW);
  timeInRanges(one, r, MARGIN + statsW + 14, top, CONTENT_W - statsW - 14, 200);
  top += 250;
  agpChart(one, r, top, 262);
  top += 270;
  dailyProfiles(one, r, top, PAGE_H - MARGIN - top - 8);
  footer(one, r);

  const two = new Canvas(doc.addPage(PageSizes.A4), fonts);
  top = header(two, r, 2);
  top = griGrid(two, r, top);
  therapy(two, r, top + 10);
  footer(two, r);

  return doc.save({ useObjectStreams: true });
}
