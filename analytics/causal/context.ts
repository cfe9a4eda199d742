/**
 * @module analytics/causal/context
 * Options and shared state of one PCMCI analysis (Runge et al. 2019, Science Advances 5,
 * eaau4996, doi:10.1126/sciadv.aau4996). A context bundles the checked options, the lagged
 * standardised data (`lagged-array.ts`) and the ParCorr buffers and memo (`parcorr.ts`). It is
 * what the per-target chunk functions (`pcStageTarget`, `mciStageTarget`) take, so a queue
 * consumer rebuilds it from the stored input (cheap: `O(N * tau_max * T)`) for each message.
 */
import { AnalyticsInputError } from "../errors.ts";
import { buildLaggedArray, type LaggedArray } from "./lagged-array.ts";
import { createParCorrContext, type ParCorrContext } from "./parcorr.ts";
import type { PcmciOptions, ResolvedPcmciOptions } from "./types.ts";

/**
 * tigramite's default pc_alpha candidates when `pc_alpha=None` (frozen).
 * Constant: `O(1)` to read; never throws.
 *
 * @throws never
 * @example
 * DEFAULT_PC_ALPHAS; // [0.05, 0.1, 0.2, 0.3, 0.4, 0.5]
 */
export const DEFAULT_PC_ALPHAS: readonly number[] = Object.freeze([0.05, 0.1, 0.2, 0.3, 0.4, 0.5]);

/** State of one PCMCI analysis: checked options, lagged data, test buffers and memo. */
export interface PcmciContext {
  readonly options: ResolvedPcmciOptions;
  readonly lagged: LaggedArray;
  readonly parcorr: ParCorrContext;
}

function checkLevel(v: unknown, field: string): number {
  if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw new AnalyticsInputError(field, `pcmci: ${field} must be a number in [0, 1], got ${String(v)}`);
  return v;
}

function checkOptionalCount(v: unknown, field: string, min: number): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new AnalyticsInputError(field, `pcmci: ${field} must be null or an integer >= ${min}, got ${String(v)}`);
  return v;
}

/**
 * Applies tigramite's defaults to PCMCI options and checks them.
 * This runs in `O(number of pc_alpha candidates)`.
 *
 * @throws {AnalyticsInputError} field "tau_max" / "tau_min": not integers with 0 <= tau_min <= tau_max
 * @throws {AnalyticsInputError} field "pc_alpha": not null, a number in [0, 1] or a non-empty list of such
 * @throws {AnalyticsInputError} field "alpha_level": not in [0, 1]
 * @throws {AnalyticsInputError} field "fdr_method": not "none" or "fdr_bh"
 * @throws {AnalyticsInputError} fields "max_conds_dim", "max_combinations", "max_conds_py", "max_conds_px": bad counts
 * @example
 * normalizePcmciOptions({ tauMax: 3 }).pcAlphas; // [0.05]
 */
export function normalizePcmciOptions(options: PcmciOptions): ResolvedPcmciOptions {
  if (typeof options !== "object" || options === null) throw new AnalyticsInputError("options", "pcmci: options must be an object");
  const tauMax = options.tauMax;
  if (typeof tauMax !== "number" || !Number.isInteger(tauMax) || tauMax < 0) throw new AnalyticsInputError("tau_max", `pcmci: tau_max must be an integer >= 0, got ${String(tauMax)}`);
  const tauMin = options.tauMin ?? 0;
  if (typeof tauMin !== "number" || !Number.isInteger(tauMin) || tauMin < 0 || tauMin > tauMax) {
    throw new AnalyticsInputError("tau_min", `pcmci: tau_min must be an integer with 0 <= tau_min <= tau_max = ${tauMax}, got ${String(tauMin)}`);
  }
  const raw = options.pcAlpha === undefined ? 0.05 : options.pcAlpha;
  let pcAlphas: readonly number[];
  let selectPcAlpha: boolean;
  if (raw === null) {
    pcAlphas = DEFAULT_PC_ALPHAS;
    selectPcAlpha = true;
  } else if (Array.isArray(raw)) {
    if (raw.length === 0) throw new AnalyticsInputError("pc_alpha", "pcmci: pc_alpha list must not be empty");
    pcAlphas = Object.freeze(raw.map((a, i) => checkLevel(a, `pc_alpha[${i}]`)));
    selectPcAlpha = true;
  } else {
    pcAlphas = Object.freeze([checkLevel(raw, "pc_alpha")]);
    selectPcAlpha = false;
  }
  const alphaLevel = checkLevel(options.alphaLevel ?? 0.05, "alpha_level");
  const fdrMethod = options.fdrMethod ?? "none";
  if (fdrMethod !== "none" && fdrMethod !== "fdr_bh") throw new AnalyticsInputError("fdr_method", `pcmci: fdr_method must be "none" or "fdr_bh", got ${JSON.stringify(fdrMethod)}`);
  const maxCombinations = options.maxCombinations ?? 1;
  if (!Number.isInteger(maxCombinations) || maxCombinations < 1) throw new AnalyticsInputError("max_combinations", `pcmci: max_combinations must be an integer >= 1, got ${String(maxCombinations)}`);
  return Object.freeze({
    tauMin,
    tauMax,
    pcAlphas,
    selectPcAlpha,
    alphaLevel,
    fdrMethod,
    maxCondsDim: checkOptionalCount(options.maxCondsDim, "max_conds_dim", 0),
    maxCombinations,
    maxCondsPy: checkOptionalCount(options.maxCondsPy, "max_conds_py", 0),
    maxCondsPx: checkOptionalCount(options.maxCondsPx, "max_conds_px", 0),
  });
}

/**
 * Creates the context of a PCMCI analysis of `data` (rows = time steps, columns = variables).
 * This runs in `O(N * tau_max * T)`.
 *
 * @throws {AnalyticsInputError} bad options (see `normalizePcmciOptions`) or bad data (see `buildLaggedArray`)
 * @example
 * const ctx = createPcmciContext(rows, { tauMax: 3, pcAlpha: 0.05 });
 */
export function createPcmciContext(data: ReadonlyArray<ArrayLike<number>>, options: PcmciOptions): PcmciContext {
  const resolved = normalizePcmciOptions(options);
  const lagged = buildLaggedArray(data, resolved.tauMax);
  return { options: resolved, lagged, parcorr: createParCorrContext(lagged) };
}
