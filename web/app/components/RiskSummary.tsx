/**
 * Time in tight range (70–140 mg/dL) and the GRI grid, small, for the dashboard's 14-day
 * summary; nothing when the API's metrics do not carry them.
 */
import { GriChart, TightRange } from "#app/components/GriChart.tsx";
import type { ConsensusMetrics } from "#app/lib/metrics.ts";
import type { GlucoseUnit } from "#app/lib/units.ts";

export function RiskSummary({ m, unit }: { m: ConsensusMetrics; unit: GlucoseUnit }) {
  const { tight_range_percent: tight, gri, gri_zone, gri_hypo, gri_hyper } = m;
  if (tight === undefined && gri === undefined) return null;
  return (
    <div className="risk-summary" data-testid="risk-summary">
      {tight === undefined ? null : <TightRange percent={tight} unit={unit} />}
      {gri === undefined || gri_zone === undefined || gri_hypo === undefined || gri_hyper === undefined ? null : <GriChart m={{ gri, gri_zone, gri_hypo, gri_hyper }} compact />}
    </div>
  );
}
