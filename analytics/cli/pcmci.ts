/**
 * `analyze pcmci FILE`: PCMCI causal discovery (tigramite 5.2.10 `run_pcmci` with
 * `ParCorr(significance='analytic')`).
 *
 * Input:
 * `{"var_names": [..] (optional, default "0", "1", ...), "data": number[][] (rows = time steps),
 *   "tau_min": 0, "tau_max": int, "pc_alpha": number | null (default 0.05; null = chosen by AIC),
 *   "alpha_level": 0.05, "fdr_method": "none" | "fdr_bh" (optional),
 *   "max_conds_dim", "max_combinations", "max_conds_py", "max_conds_px" (optional)}`
 *
 * Output: `{"val_matrix", "p_matrix", "graph"}` indexed `[source][target][lag]`,
 * `"significant_links": [{"source", "target", "lag", "link", "val", "p"}]` (names; sorted by target
 * name, then p), `"pc_parents": {target: [[source, -tau], ...]}` and, when pc_alpha is chosen,
 * `"optimal_pc_alpha": {target: alpha}`.
 */
import { pcmci as runPcmci, type FdrMethod, type PcmciOptions } from "../causal/index.ts";
import { InputError, parseNumber, requireObject, type Command } from "./io.ts";

function optionalCount(obj: Record<string, unknown>, key: string, min: number): number | null {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new InputError(key, `${key} must be null or an integer >= ${min}`);
  return v;
}

function readData(v: unknown): number[][] {
  if (!Array.isArray(v) || v.length === 0) throw new InputError("data", "data must be a non-empty array of time steps (arrays of numbers)");
  return v.map((row, t) => {
    if (!Array.isArray(row)) throw new InputError(`data[${t}]`, `data[${t}] must be an array of numbers`);
    return row.map((x, k) => {
      const n = parseNumber(x, `data[${t}][${k}]`);
      if (!Number.isFinite(n)) throw new InputError(`data[${t}][${k}]`, `data[${t}][${k}] must be a finite number (missing values are not supported)`);
      return n;
    });
  });
}

function readVarNames(v: unknown, nVars: number): string[] {
  if (v === undefined || v === null) return Array.from({ length: nVars }, (_, i) => String(i));
  if (!Array.isArray(v) || v.length !== nVars || v.some((s) => typeof s !== "string")) {
    throw new InputError("var_names", `var_names must be an array of ${nVars} strings (one per column of data)`);
  }
  if (new Set(v).size !== v.length) throw new InputError("var_names", "var_names must be unique");
  return v as string[];
}

/** Code-unit order, like Python's string comparison for names in the Basic Multilingual Plane. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const pcmci: Command = (input) => {
  const obj = requireObject(input, "$");
  const data = readData(obj.data);
  const nVars = Array.isArray(data[0]) ? data[0].length : 0;
  data.forEach((row, t) => {
    if (row.length !== nVars) throw new InputError(`data[${t}]`, `data[${t}] has ${row.length} values, expected ${nVars}`);
  });
  const names = readVarNames(obj.var_names, nVars);
  if (typeof obj.tau_max !== "number" || !Number.isInteger(obj.tau_max) || obj.tau_max < 0) throw new InputError("tau_max", "tau_max must be an integer >= 0");
  const tauMax = obj.tau_max;
  const tauMin = obj.tau_min ?? 0;
  if (typeof tauMin !== "number" || !Number.isInteger(tauMin) || tauMin < 0 || tauMin > tauMax) throw new InputError("tau_min", "tau_min must be an integer with 0 <= tau_min <= tau_max");
  let pcAlpha: number | null = 0.05;
  if ("pc_alpha" in obj) {
    const a = obj.pc_alpha;
    if (a !== null && (typeof a !== "number" || !(a >= 0 && a <= 1))) throw new InputError("pc_alpha", "pc_alpha must be a number in [0, 1] or null (choose by AIC)");
    pcAlpha = a as number | null;
  }
  const alphaLevel = obj.alpha_level ?? 0.05;
  if (typeof alphaLevel !== "number" || !(alphaLevel >= 0 && alphaLevel <= 1)) throw new InputError("alpha_level", "alpha_level must be a number in [0, 1]");
  const fdr = obj.fdr_method ?? "none";
  if (fdr !== "none" && fdr !== "fdr_bh") throw new InputError("fdr_method", 'fdr_method must be "none" or "fdr_bh"');
  const options: PcmciOptions = {
    tauMin,
    tauMax,
    pcAlpha,
    alphaLevel,
    fdrMethod: fdr as FdrMethod,
    maxCondsDim: optionalCount(obj, "max_conds_dim", 0),
    maxCombinations: optionalCount(obj, "max_combinations", 1) ?? 1,
    maxCondsPy: optionalCount(obj, "max_conds_py", 0),
    maxCondsPx: optionalCount(obj, "max_conds_px", 0),
  };
  const r = runPcmci(data, options);
  const links = r.significantLinks
    .map((l) => ({ source: names[l.source]!, target: names[l.target]!, lag: l.lag, link: l.link, val: l.val, p: l.p }))
    .sort((a, b) => cmp(a.target, b.target) || a.p - b.p || cmp(a.source, b.source) || a.lag - b.lag);
  const out: Record<string, unknown> = {
    val_matrix: r.valMatrix,
    p_matrix: r.pMatrix,
    graph: r.graph,
    significant_links: links,
    pc_parents: Object.fromEntries(names.map((n, j) => [n, r.parents[j]!.map(([i, lag]) => [names[i]!, lag])])),
  };
  if (pcAlpha === null) out.optimal_pc_alpha = Object.fromEntries(names.map((n, j) => [n, r.pcAlpha[j]!]));
  return out;
};
