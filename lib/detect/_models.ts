/**
 * Adapter between the orchestrator and the model modules (period detection, seasonal, spectral
 * residual, dynamic threshold, merge with delta). Keeps the orchestrator independent of each
 * model's exact parameter list.
 * @module
 */
import type { DetectMode, Granularity, ModelOutput } from "./types.ts";

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

function notYet(name: string): never {
  throw new Error(`${name} is not available yet`);
}

/** §4 DETECT_PERIOD. */
export function runDetectPeriod(
  _values: number[],
  _granularity: Granularity,
  _customInterval: number,
): number {
  return notYet("detectPeriod");
}

/** §6 seasonal model. */
export function runSeasonal(_args: ModelArgs, _period: number): ModelOutput {
  return notYet("seasonalModel");
}

/** §8.1 SR trigger. */
export function runSrTrigger(
  _granularity: Granularity,
  _customInterval: number,
  _x: number[],
): boolean {
  return notYet("srTrigger");
}

/** §8 spectral residual followed by §9 merge with delta. */
export function runSpectralResidual(_args: ModelArgs): ModelOutput {
  return notYet("spectralResidualModel");
}

/** §7 dynamic threshold (trend0 = TREND(x, period)) followed by §9 merge with delta. */
export function runDynamicThreshold(_args: ModelArgs, _period: number): ModelOutput {
  return notYet("dynamicThresholdModel");
}

/** Seasonal component of a robust STL decomposition (§5), used by the change-point surrogate. */
export function runStlSeasonal(_x: number[], _period: number): number[] {
  return notYet("stl");
}
