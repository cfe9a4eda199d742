/**
 * The sections /agp and the shared report page (/share/{token}) have in common: the consensus
 * metrics table with the time-in-ranges bar and time in tight range, and the GRI grid.
 */
import { GriChart, TightRange } from "#app/components/GriChart.tsx";
import { TimeInRangeBar } from "#app/components/TimeInRangeBar.tsx";
import type { ConsensusMetrics, MetricRow, TirSegment } from "#app/lib/metrics.ts";
import type { GlucoseUnit } from "#app/lib/units.ts";

/** "Glucose statistics and targets": each metric with its goal and whether it is met. */
export function AgpStatistics({ rows, segments, metrics, unit }: { rows: readonly MetricRow[]; segments: readonly TirSegment[]; metrics: ConsensusMetrics | null; unit: GlucoseUnit }) {
  return (
    <div className="agp__metrics">
      <table className="metrics-table">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Value</th>
            <th scope="col">Goal</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <th scope="row">{r.label}</th>
              <td className="num">{r.value}</td>
              <td>
                {r.target}
                {r.met === null ? null : (
                  <span className={r.met ? "goal goal--met" : "goal goal--missed"}>
                    {" "}
                    <span aria-hidden="true">{r.met ? "✓" : "✗"}</span> {r.met ? "met" : "not met"}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div>
        <TimeInRangeBar segments={segments} caption="Time in ranges" />
        {metrics?.tight_range_percent === undefined ? null : <TightRange percent={metrics.tight_range_percent} unit={unit} />}
      </div>
    </div>
  );
}

/** The "Glycemia risk index" card, when the metrics carry the GRI and its components. */
export function GriSection({ metrics }: { metrics: ConsensusMetrics | null }) {
  const m = metrics;
  if (m?.gri === undefined || !m.gri_zone || m.gri_hypo === undefined || m.gri_hyper === undefined) return null;
  return (
    <section className="card agp__section" aria-labelledby="gri-heading">
      <h2 id="gri-heading" className="card__title">
        Glycemia risk index
      </h2>
      <GriChart m={{ gri: m.gri, gri_zone: m.gri_zone, gri_hypo: m.gri_hypo, gri_hyper: m.gri_hyper }} />
    </section>
  );
}
