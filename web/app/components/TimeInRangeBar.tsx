/**
 * The consensus time-in-range bar: five stacked segments (very high at the top, very low at the
 * bottom, as on the AGP report) with a text legend giving each band's share, range and goal,
 * and whether the goal is met (✓ / ✗ and the words), so colour is never the only cue.
 */
import type { TirSegment } from "#app/lib/metrics.ts";

export function TimeInRangeBar({ segments, caption }: { segments: readonly TirSegment[]; caption: string }) {
  return (
    <figure className="tir">
      <div className="tir__bar" role="img" aria-label={`${caption}: ${segments.map((s) => `${s.label} ${s.percent} %`).join(", ")}`}>
        {segments.map((s) =>
          s.percent > 0 ? <span key={s.band} className={`tir__seg tir__seg--${s.band}`} style={{ flexGrow: s.percent }} title={`${s.label}: ${s.percent} %`} /> : null,
        )}
      </div>
      <figcaption>
        <p className="tir__caption">{caption}</p>
        <table className="tir__legend">
          <thead>
            <tr>
              <th scope="col">Band</th>
              <th scope="col">Time</th>
              <th scope="col">Goal</th>
            </tr>
          </thead>
          <tbody>
            {segments.map((s) => (
              <tr key={s.band}>
                <th scope="row">
                  <span className={`swatch tir__swatch tir__seg--${s.band}`} aria-hidden="true" /> {s.label} <span className="muted">{s.range}</span>
                </th>
                <td className="num">{s.percent.toFixed(1)} %</td>
                <td>
                  {s.target}{" "}
                  <span className={s.met ? "goal goal--met" : "goal goal--missed"}>
                    <span aria-hidden="true">{s.met ? "✓" : "✗"}</span> {s.met ? "met" : "not met"}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </figcaption>
    </figure>
  );
}
