/**
 * The AGP (ambulatory glucose profile) chart and the daily mini-traces, as SVG: shaded 5–95 %
 * and 25–75 % bands, the median as a bold line, the 70–180 mg/dL target band between dashed
 * lines. The key under the chart names every element, so no meaning rests on colour; the SVG
 * has a text alternative and scales to the container (375 px phones, A4 print).
 */
import type { AgpPaths, DayTrace } from "#app/lib/agp-data.ts";
import { hourTicks } from "#app/lib/agp-data.ts";
import type { GlucoseUnit } from "#app/lib/units.ts";

export const AGP_PLOT = { width: 900, height: 280 } as const;
const M = { left: 48, top: 12, right: 24, bottom: 28 };

export function AgpChart({ paths, unit, label }: { paths: AgpPaths; unit: GlucoseUnit; label: string }) {
  const W = AGP_PLOT.width;
  const H = AGP_PLOT.height;
  return (
    <figure className="agp-figure">
      <svg className="agp-chart" viewBox={`0 0 ${W + M.left + M.right} ${H + M.top + M.bottom}`} role="img" aria-label={label} preserveAspectRatio="xMidYMid meet">
        <g transform={`translate(${M.left},${M.top})`}>
          <rect className="agp-chart__target" x={0} y={paths.target[0]} width={W} height={paths.target[1] - paths.target[0]} />
          {paths.yTicks.map((t) => (
            <g key={t.value}>
              <line className="agp-chart__grid" x1={0} x2={W} y1={t.y} y2={t.y} />
              <text className="agp-chart__label" x={-6} y={t.y} textAnchor="end" dominantBaseline="middle">
                {String(t.value)}
              </text>
            </g>
          ))}
          {hourTicks(3, W).map((t) => (
            <text key={t.label} className="agp-chart__label" x={t.x} y={H + 18} textAnchor="middle">
              {t.label}
            </text>
          ))}
          <line className="agp-chart__target-edge" x1={0} x2={W} y1={paths.target[0]} y2={paths.target[0]} />
          <line className="agp-chart__target-edge" x1={0} x2={W} y1={paths.target[1]} y2={paths.target[1]} />
          <path className="agp-chart__outer" d={paths.outer} />
          <path className="agp-chart__inner" d={paths.inner} />
          <path className="agp-chart__median" d={paths.median} />
          <rect className="agp-chart__frame" x={0} y={0} width={W} height={H} />
        </g>
        <text className="agp-chart__label" x={12} y={M.top + H / 2} transform={`rotate(-90 12 ${M.top + H / 2})`} textAnchor="middle">
          {unit}
        </text>
      </svg>
      <figcaption>
        <ul className="chart-key" aria-label="Chart key">
          <li>
            <span className="swatch agp-key--median" aria-hidden="true" /> Median (50 %)
          </li>
          <li>
            <span className="swatch agp-key--inner" aria-hidden="true" /> 25–75 % (half of the days)
          </li>
          <li>
            <span className="swatch agp-key--outer" aria-hidden="true" /> 5–95 % (nine days in ten)
          </li>
          <li>
            <span className="swatch swatch--band" aria-hidden="true" /> Target range, between the dashed lines
          </li>
        </ul>
      </figcaption>
    </figure>
  );
}

export const DAY_PLOT = { width: 240, height: 60 } as const;

export function DailyTraces({ days, target, weekday }: { days: readonly DayTrace[]; target: [number, number]; weekday: (date: string) => string }) {
  return (
    <ol className="day-grid">
      {days.map((d) => (
        <li key={d.date} className="day-card">
          <p className="day-card__title">
            <span>{weekday(d.date)}</span>
            <span className="muted">{d.inRangePercent === null ? "no data" : `${d.inRangePercent.toFixed(0)} % in range`}</span>
          </p>
          <svg
            className="day-card__chart"
            viewBox={`0 0 ${DAY_PLOT.width} ${DAY_PLOT.height}`}
            preserveAspectRatio="none"
            role="img"
            aria-label={`${weekday(d.date)}: ${d.readings} readings${d.inRangePercent === null ? "" : `, ${d.inRangePercent} % in range`}`}
          >
            <rect className="agp-chart__target" x={0} y={target[0]} width={DAY_PLOT.width} height={target[1] - target[0]} />
            {d.path ? <path className="day-card__line" d={d.path} vectorEffect="non-scaling-stroke" /> : null}
          </svg>
        </li>
      ))}
    </ol>
  );
}
