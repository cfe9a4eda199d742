/**
 * @module experiments/forecast/report
 * The closing table of the forecast experiment scripts (forecast-experiment-*.ts): per forecaster,
 * the mean over subjects of the per-subject RMSE at 30 and 60 minutes, and how far it lies below
 * persistence and AR2 (`acc` must hold both, under those names).
 */

/** `acc[name][k]`: per-subject RMSEs at horizon k (0: 30 min, 1: 60 min). */
export function printRmseSummary(names: readonly string[], acc: Record<string, number[][]>): void {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const p = [0, 1].map((k) => mean(acc.persistence![k]!));
  const a = [0, 1].map((k) => mean(acc.ar2![k]!));
  // Signed change of the RMSE against the baseline: −15.0 % is 15 % below it.
  const change = (r: number, base: number) => {
    const pct = 100 * (r / base - 1);
    return `${pct < 0 ? "−" : "+"}${Math.abs(pct).toFixed(1)} %`;
  };
  const below = (r: number[], base: number[]) => `${change(r[0]!, base[0]!)} / ${change(r[1]!, base[1]!)}`;
  for (const nm of names) {
    const r = [0, 1].map((k) => mean(acc[nm]![k]!));
    console.log(`${nm.padEnd(22)} RMSE 30 ${r[0]!.toFixed(2)} 60 ${r[1]!.toFixed(2)}  vs persistence ${below(r, p)}  vs AR2 ${below(r, a)}`);
  }
}
