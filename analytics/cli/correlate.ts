/**
 * `analyze correlate`: Pearson and Spearman correlations (scipy 1.10 `pearsonr`/`spearmanr`) of
 * named columns, pairwise and lagged.
 *
 * Input:
 * `{"columns": {name: number[]}, "pairs": [[x, y], …], "lagged": {"sources": […], "target": name, "lags": [0, …]}, "fdr": true}`
 * (`pairs`, `lagged` and `fdr` optional; NaN, "NaN" or null mark gaps, dropped pairwise).
 * Output: `{"pairs": [{x, y, n, pearson_r, pearson_p, spearman_rho, spearman_p}],
 * "lagged": [{x, y, lag, n, …}]}`, lagged entries per source then per lag; with `"fdr": true`
 * each entry also has `pearson_q`/`spearman_q`, Benjamini–Hochberg over its family (all pairs, or
 * all lagged entries). Bad input exits with status 2 and names the field.
 */
import { AnalyticsInputError } from "../errors.ts";
import { benjaminiHochberg, pearson, spearman, laggedCorrelations } from "../correlation/index.ts";
import type { PearsonResult, SpearmanResult } from "../correlation/index.ts";
import { InputError, requireInt, requireNumberArray, requireObject, type Command } from "./io.ts";

/** One correlation before formatting. */
interface Row {
  x: string;
  y: string;
  lag?: number;
  pearson: PearsonResult;
  spearman: SpearmanResult;
}

/** One output entry, keys in output order. */
interface Entry {
  x: string;
  y: string;
  lag?: number;
  n: number;
  pearson_r: number;
  pearson_p: number;
  pearson_q?: number;
  spearman_rho: number;
  spearman_p: number;
  spearman_q?: number;
}

export const correlate: Command = (input) => {
  const doc = requireObject(input, "$");
  const columns = readColumns(doc.columns);
  const fdr = doc.fdr ?? false;
  if (typeof fdr !== "boolean") throw new InputError("fdr", "fdr must be true or false");

  const pairs: Row[] = [];
  if (doc.pairs !== undefined) {
    if (!Array.isArray(doc.pairs)) throw new InputError("pairs", "pairs must be an array of [x, y] column-name pairs");
    doc.pairs.forEach((pair: unknown, i) => {
      const field = `pairs[${i}]`;
      if (!Array.isArray(pair) || pair.length !== 2) throw new InputError(field, `${field} must be an [x, y] pair of column names`);
      const x = requireColumn(columns, pair[0], `${field}[0]`);
      const y = requireColumn(columns, pair[1], `${field}[1]`);
      const xs = columns.get(x) as number[];
      const ys = columns.get(y) as number[];
      if (xs.length !== ys.length) {
        throw new InputError(field, `${field}: columns.${x} has ${xs.length} values and columns.${y} has ${ys.length}; they must have the same length`);
      }
      const [p, r] = blame(field, () => [pearson(xs, ys), spearman(xs, ys)] as const);
      pairs.push({ x, y, pearson: p, spearman: r });
    });
  }

  const lagged: Row[] = [];
  if (doc.lagged !== undefined) {
    const spec = requireObject(doc.lagged, "lagged");
    const target = requireColumn(columns, spec.target, "lagged.target");
    if (!Array.isArray(spec.sources)) throw new InputError("lagged.sources", "lagged.sources must be an array of column names");
    if (!Array.isArray(spec.lags)) throw new InputError("lagged.lags", "lagged.lags must be an array of non-negative integers");
    const lags = spec.lags.map((lag: unknown, j) => requireInt(lag, `lagged.lags[${j}]`, 0));
    const ys = columns.get(target) as number[];
    spec.sources.forEach((source: unknown, s) => {
      const field = `lagged.sources[${s}]`;
      const x = requireColumn(columns, source, field);
      const xs = columns.get(x) as number[];
      if (xs.length !== ys.length) {
        throw new InputError(field, `${field}: columns.${x} has ${xs.length} values and columns.${target} has ${ys.length}; they must have the same length`);
      }
      const results = blame(field, () => laggedCorrelations(xs, ys, lags));
      for (const r of results) lagged.push({ x, y: target, lag: r.lag, pearson: r.pearson, spearman: r.spearman });
    });
  }

  return { pairs: entries(pairs, fdr), lagged: entries(lagged, fdr) };
};

function readColumns(v: unknown): Map<string, number[]> {
  const obj = requireObject(v, "columns");
  const out = new Map<string, number[]>();
  for (const [name, values] of Object.entries(obj)) {
    const field = `columns.${name}`;
    const numbers = requireNumberArray(values, field);
    numbers.forEach((x, i) => {
      if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) {
        throw new InputError(`${field}[${i}]`, `${field}[${i}] is ${x}; values must be finite numbers, or NaN/null for a gap`);
      }
    });
    out.set(name, numbers);
  }
  return out;
}

function requireColumn(columns: Map<string, number[]>, name: unknown, field: string): string {
  if (typeof name !== "string") throw new InputError(field, `${field} must be a column name (a string)`);
  if (!columns.has(name)) throw new InputError(field, `${field}: no column ${JSON.stringify(name)} in columns`);
  return name;
}

/** Runs a library call and reports its AnalyticsInputError (e.g. too few complete pairs) at `field`. */
function blame<T>(field: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof AnalyticsInputError) {
      // laggedCorrelations names the lag it could not use: lags[j] → lagged.lags[j].
      const lag = /^lags\[\d+\]$/.test(err.field) ? `lagged.${err.field}` : field;
      throw new InputError(lag, `${field}: ${err.message}`);
    }
    throw err;
  }
}

/** Output entries of one family, with Benjamini–Hochberg q-values over the family when `fdr`. */
function entries(family: Row[], fdr: boolean): Entry[] {
  const pq = fdr ? benjaminiHochberg(family.map((row) => row.pearson.p)) : undefined;
  const sq = fdr ? benjaminiHochberg(family.map((row) => row.spearman.p)) : undefined;
  return family.map(({ x, y, lag, pearson: p, spearman: s }, i) => ({
    x,
    y,
    ...(lag === undefined ? {} : { lag }),
    n: p.n,
    pearson_r: p.r,
    pearson_p: p.p,
    ...(pq ? { pearson_q: pq[i] } : {}),
    spearman_rho: s.rho,
    spearman_p: s.p,
    ...(sq ? { spearman_q: sq[i] } : {}),
  }));
}
