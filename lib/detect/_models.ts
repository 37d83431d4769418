/**
 * Adapter between the orchestrator and the model modules (seasonal, spectral residual, dynamic
 * threshold, merge with delta, STL for change points). Keeps the orchestrator independent of each
 * model's exact parameter list.
 * @module
 */
import { dynamicThresholdModel } from "./dynamic_threshold.ts";
import { mergeWithDelta } from "./merge_with_delta.ts";
import { seasonalModel } from "./seasonal.ts";
import { spectralResidualModel } from "./spectral_residual.ts";
import { stl } from "./stl.ts";
import { splineTrend } from "./trend.ts";
import type { DetectMode, ModelOutput } from "./types.ts";

/** Arguments every model runner receives. */
export interface ModelArgs {
  /** Detection series (filled grid when a fill happened). */
  x: number[];
  /** Anomaly ratio after the last-mode adjustment. */
  ratio: number;
  /** entire or last. */
  mode: DetectMode;
  /** Whether the trend column is needed (boundary version ≠ V1). */
  needTrend: boolean;
}

/** §6 seasonal model. */
export function runSeasonal(args: ModelArgs, period: number): ModelOutput {
  return seasonalModel(args.x, period, args.ratio, args.mode, { includeTrend: args.needTrend });
}

/** §8 spectral residual followed by §9 merge with delta. */
export function runSpectralResidual(args: ModelArgs): ModelOutput {
  const options = { needTrend: args.needTrend };
  const first = spectralResidualModel(args.x, args.ratio, args.mode, options);
  const results = mergeWithDelta(first.results, {
    series: args.x,
    ratio: args.ratio,
    rerun: (y, r) => spectralResidualModel(y, r, args.mode, options).results,
  });
  return { results, modelId: first.modelId };
}

/** §7 dynamic threshold (trend0 = TREND(x, period)) followed by §9 merge with delta. */
export function runDynamicThreshold(args: ModelArgs, period: number): ModelOutput {
  const trend0 = splineTrend(args.x, period);
  const first = dynamicThresholdModel(args.x, trend0, args.ratio, args.mode);
  const results = mergeWithDelta(first.results, {
    series: args.x,
    ratio: args.ratio,
    rerun: (y, r) => dynamicThresholdModel(y, trend0, r, args.mode).results,
  });
  return { results, modelId: first.modelId };
}

/** Seasonal component of a robust STL decomposition (§5), used by the change-point surrogate. */
export function runStlSeasonal(x: number[], period: number): number[] {
  return Array.from(stl(x, period, { robust: true }).seasonal);
}
