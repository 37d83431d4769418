/**
 * Typed accessors for the engine's fact tables (generated from `spec/tables.json` into
 * `_tables_data.ts` by `tools/gen_tables.ts`).
 * @module
 */
import * as data from "./_tables_data.ts";
import type { Granularity } from "./types.ts";

/** Boundary factor table F[s], index = sensitivity 0..100 (§10.4). 101 entries. */
export const BOUNDARY_FACTORS: readonly number[] = data.boundary_factors.values;

/**
 * Generalized-ESD critical values for alpha = f32(0.05), already f32-rounded (§6.4).
 * Entry j holds lambda(m) with m = 17999 − j. 18 000 entries.
 */
export const ESD_CRITICAL_TABLE: readonly number[] = data.esd_critical_table.values;

/** MacKinnon ADF p-value coefficients for one regression kind (§9.2). */
export interface MacKinnonCoefficients {
  /** p = 1 above this statistic. */
  readonly tau_max: number;
  /** p = 0 below this statistic. */
  readonly tau_min: number;
  /** `small` coefficients at or below this statistic, `large` above. */
  readonly tau_star: number;
  /** [c0, c1, c2] (already scaled). */
  readonly small: readonly number[];
  /** [c0, c1, c2, c3] (already scaled). */
  readonly large: readonly number[];
}

/** MacKinnon ADF p-value surface, by regression kind ("c" is the one the oracle uses). */
export const MACKINNON_ADF_PVALUE: Readonly<
  Record<"c" | "n" | "ct" | "ctt", MacKinnonCoefficients>
> = data.mackinnon_adf_pvalue;

/** KPSS critical values → p-values (linear interpolation, clamped), by regression kind. */
export const KPSS_PVALUE_TABLE: Readonly<
  Record<
    "c" | "ct",
    { readonly crit: readonly number[]; readonly pvals: readonly number[] }
  >
> = data.kpss_pvalue_table;

/** Default window per granularity (suggestedWindow = this + 1 when period = 0, §11.1). */
export const DEFAULT_GRAN_WINDOW: Readonly<Record<Granularity, number>> = data.default_gran_window;

/** Same-phase weighted-average weights of auto imputation stage B (§3.4). */
export const IMPUTE_WEIGHTED_AVERAGE_WEIGHTS: readonly number[] =
  data.impute_weighted_average_weights;

/** Engine model ids by engine model name. */
export const MODEL_IDS: Readonly<Record<string, number>> = data.model_ids;

/** Change-point defaults per granularity (§12.1). */
export const CHANGEPOINT_DEFAULTS: {
  readonly threshold: Readonly<Record<Granularity, number>>;
  readonly stableTrendWindow: Readonly<Record<Granularity, number>>;
} = data.changepoint_defaults;

function evalPeriodExpr(expr: string, ci: number): number {
  const [num, div] = expr.split("//");
  const n = Number(num);
  return div === undefined ? n : Math.floor(n / ci);
}

/**
 * SimpleDetector candidate periods, in the order they are tried (§4.2), for a granularity and a
 * custom interval (`'//'` is floor division by `ci`).
 */
export function simpleDetectorCandidates(
  granularity: Granularity,
  ci = 1,
): number[] {
  const list: readonly string[] = data.simple_detector_candidates[granularity] ?? [];
  return list.map((e) => evalPeriodExpr(e, ci));
}

/**
 * SimpleDetector standard period (§4.2), or `undefined` where the engine has none (microsecond).
 */
export function simpleDetectorStandardPeriod(
  granularity: Granularity,
  ci = 1,
): number | undefined {
  const table: Readonly<Record<string, string>> = data.simple_detector_standard_period;
  const expr = table[granularity];
  return expr === undefined ? undefined : evalPeriodExpr(expr, ci);
}

/**
 * The first `k` ESD critical values for an ESD input of length `n` (alpha 0.05, n ≤ 18 000):
 * `table[18000 − n + i]` for i = 0..k−1 (§6.4).
 */
export function esdCriticalValues(n: number, k: number): number[] {
  if (!Number.isInteger(n) || n < 1 || n > 18000) {
    throw new RangeError(
      `Cannot look up ESD critical values as n must be an integer in 1..18000: current value is ${n}`,
    );
  }
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(ESD_CRITICAL_TABLE[18000 - n + i] ?? 0);
  return out;
}
