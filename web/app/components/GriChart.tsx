/**
 * The Glycemia Risk Index grid (Klonoff et al. 2023) as SVG: zones A–E, the person's point and
 * the value in words beside it (so neither colour nor position carries meaning alone), plus
 * time in tight range (70–140 mg/dL). Used on /agp, the shared report page and the dashboard.
 */
import { griGeometry, griSentence, GRI_ZONES } from "#app/lib/gri-grid.ts";
import type { GlucoseUnit } from "#app/lib/units.ts";

const W = 300;
const H = 240;
const M = { left: 40, top: 8, right: 10, bottom: 36 };

export interface GriMetrics {
  gri: number;
  gri_zone: "A" | "B" | "C" | "D" | "E";
  gri_hypo: number;
  gri_hyper: number;
}

export function GriChart({ m, compact = false }: { m: GriMetrics; compact?: boolean }) {
  const g = griGeometry(W, H, { hypo: m.gri_hypo, hyper: m.gri_hyper });
  const sentence = griSentence(m);
  return (
    <figure className={compact ? "gri gri--compact" : "gri"}>
      <svg className="gri__chart" viewBox={`0 0 ${W + M.left + M.right} ${H + M.top + M.bottom}`} role="img" aria-label={`Glycemia risk index grid. ${sentence}`}>
        <g transform={`translate(${M.left},${M.top})`}>
          {g.zones.map((z) => (
            <polygon key={z.zone} className={`gri__zone gri__zone--${z.zone.toLowerCase()}`} points={z.points} />
          ))}
          {g.lines.map((l, k) => (
            <line key={k} className="gri__boundary" {...l} />
          ))}
          <rect className="gri__frame" x={0} y={0} width={W} height={H} />
          {g.xTicks.map((t) => (
            <text key={t.value} className="gri__tick" x={t.x} y={H + 12} textAnchor="middle">
              {t.value}
            </text>
          ))}
          {g.yTicks.map((t) => (
            <text key={t.value} className="gri__tick" x={-5} y={t.y} textAnchor="end" dominantBaseline="middle">
              {t.value}
            </text>
          ))}
          <text className="gri__axis" x={W / 2} y={H + 28} textAnchor="middle">
            Hypoglycemia component (%)
          </text>
          <text className="gri__axis" transform={`translate(-30,${H / 2}) rotate(-90)`} textAnchor="middle">
            Hyperglycemia component (%)
          </text>
          {g.point ? <circle className="gri__point" cx={g.point.x} cy={g.point.y} r={6} /> : null}
        </g>
      </svg>
      <figcaption>
        <p className="gri__value">
          <strong>GRI {m.gri.toFixed(1)}</strong> · zone {m.gri_zone}
          {g.point?.clamped ? " (beyond the grid, shown at its edge)" : ""}
        </p>
        <p className="muted">{sentence}</p>
        {compact ? null : (
          <ul className="gri__legend">
            {GRI_ZONES.map((z) => (
              <li key={z.zone}>
                <span className={`swatch gri__zone--${z.zone.toLowerCase()}`} aria-hidden="true" /> Zone {z.zone}: GRI {z.range}
              </li>
            ))}
          </ul>
        )}
      </figcaption>
    </figure>
  );
}

/** Time in tight range as a one-line bar with its value and the range in the user's unit. */
export function TightRange({ percent, unit }: { percent: number; unit: GlucoseUnit }) {
  const range = unit === "mmol/L" ? "3.9–7.8 mmol/L" : "70–140 mg/dL";
  return (
    <div className="tight-range">
      <p>
        Time in tight range <span className="muted">({range})</span>: <strong>{percent.toFixed(1)} %</strong>
      </p>
      <div className="tight-range__bar" role="img" aria-label={`Time in tight range ${percent.toFixed(1)} %`}>
        <span style={{ width: `${Math.min(100, Math.max(0, percent))}%` }} />
      </div>
    </div>
  );
}
