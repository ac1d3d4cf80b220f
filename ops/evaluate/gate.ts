/**
 * The champion/challenger gate: decides whether a newly trained model may replace the one in
 * production. Pure; the same inputs always give the same verdict.
 *
 * Follows MLflow's MetricThreshold rules:
 * - `threshold`: the challenger's metric must be >= it (or <= when lower is better).
 * - `minAbsoluteChange`: challenger >= champion + change (or <= champion - change).
 * - `minRelativeChange`: the improvement divided by |champion| must be >= it; with a champion
 *   of exactly 0 this falls back to "strictly better by 1e-10".
 * - Without a champion, only `threshold` (and the ceilings) decide.
 * Boundaries pass (equal to the threshold is enough). Comparisons allow for binary rounding,
 * so 0.85 beats 0.80 by an absolute change of 0.05 even though 0.80 + 0.05 !== 0.85 in floats.
 */

export interface GateConfig {
  /** Metric to compare, a key of the metrics the evaluation returns. */
  metric: string;
  greaterIsBetter: boolean;
  threshold?: number;
  /** Positive. */
  minAbsoluteChange?: number;
  /** Between 0 and 1. */
  minRelativeChange?: number;
  /** Ceiling on the challenger's measured latency, in milliseconds. */
  maxLatencyMs?: number;
  /** Ceiling on the challenger's artifact size, in bytes. */
  maxSizeBytes?: number;
}

export interface GateCandidate {
  metrics: Readonly<Record<string, number>>;
  latencyMs?: number | undefined;
  sizeBytes?: number | undefined;
}

export interface GateComparison {
  metric: string;
  greaterIsBetter: boolean;
  challenger: number | null;
  champion: number | null;
  /** How much better the challenger is, in the metric's units (negative: worse). */
  improvement: number | null;
  /** improvement / |champion|; null without a champion or when it is 0. */
  relativeImprovement: number | null;
  threshold: number | null;
  minAbsoluteChange: number | null;
  minRelativeChange: number | null;
  latencyMs: number | null;
  maxLatencyMs: number | null;
  sizeBytes: number | null;
  maxSizeBytes: number | null;
}

export interface GateResult {
  passed: boolean;
  /** Every failed check when it failed; what was checked when it passed. */
  reasons: string[];
  comparison: GateComparison;
}

export class GateConfigError extends Error {
  override readonly name = 'GateConfigError';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`invalid gate ${field}: ${detail}`);
  }
}

// MLflow's own fallback when a relative change over a zero champion is meaningless.
const ZERO_CHAMPION_EPSILON = 1e-10;

/** a >= b, forgiving the last bits of binary rounding. */
function atLeast(a: number, b: number): boolean {
  return a >= b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

export function checkGateConfig(config: GateConfig): void {
  if (config.metric.trim() === '') throw new GateConfigError('metric', 'must name a metric');
  const finite = (field: keyof GateConfig, value: number | undefined) => {
    if (value !== undefined && !Number.isFinite(value)) throw new GateConfigError(field, `${value} is not a finite number`);
  };
  finite('threshold', config.threshold);
  finite('minAbsoluteChange', config.minAbsoluteChange);
  finite('minRelativeChange', config.minRelativeChange);
  finite('maxLatencyMs', config.maxLatencyMs);
  finite('maxSizeBytes', config.maxSizeBytes);
  if (config.minAbsoluteChange !== undefined && config.minAbsoluteChange <= 0) throw new GateConfigError('minAbsoluteChange', 'must be positive');
  if (config.minRelativeChange !== undefined && (config.minRelativeChange < 0 || config.minRelativeChange > 1)) {
    throw new GateConfigError('minRelativeChange', 'must be between 0 and 1');
  }
  if (config.threshold === undefined && config.minAbsoluteChange === undefined && config.minRelativeChange === undefined) {
    throw new GateConfigError('threshold', 'set at least one of threshold, minAbsoluteChange, minRelativeChange');
  }
}

/**
 * Compares a challenger with the champion (null when nothing is in production yet).
 *
 * @example
 * evaluateGate({ metric: 'auc', greaterIsBetter: true, threshold: 0.8, minRelativeChange: 0.01 },
 *   { metrics: { auc: 0.91 } }, { metrics: { auc: 0.89 } });
 * // { passed: true, reasons: [...], comparison: { improvement: 0.02, relativeImprovement: 0.0224..., ... } }
 */
export function evaluateGate(config: GateConfig, challenger: GateCandidate, champion: GateCandidate | null): GateResult {
  checkGateConfig(config);
  const { metric, greaterIsBetter } = config;
  const better = greaterIsBetter ? 'higher' : 'lower';
  const candidateValue = challenger.metrics[metric];
  const championValue = champion?.metrics[metric];
  // Signed so that positive always means "the challenger is better".
  const improvement = candidateValue !== undefined && championValue !== undefined ? (greaterIsBetter ? candidateValue - championValue : championValue - candidateValue) : null;
  const comparison: GateComparison = {
    metric,
    greaterIsBetter,
    challenger: candidateValue ?? null,
    champion: championValue ?? null,
    improvement,
    relativeImprovement: improvement !== null && championValue !== undefined && championValue !== 0 ? improvement / Math.abs(championValue) : null,
    threshold: config.threshold ?? null,
    minAbsoluteChange: config.minAbsoluteChange ?? null,
    minRelativeChange: config.minRelativeChange ?? null,
    latencyMs: challenger.latencyMs ?? null,
    maxLatencyMs: config.maxLatencyMs ?? null,
    sizeBytes: challenger.sizeBytes ?? null,
    maxSizeBytes: config.maxSizeBytes ?? null,
  };
  const failures: string[] = [];
  const passes: string[] = [];
  const check = (ok: boolean, pass: string, fail: string) => (ok ? passes : failures).push(ok ? pass : fail);

  if (candidateValue === undefined) {
    failures.push(`metric ${metric} is missing from the challenger's evaluation`);
  } else if (!Number.isFinite(candidateValue) || (championValue !== undefined && !Number.isFinite(championValue))) {
    failures.push(`metric ${metric} is not a finite number (challenger ${candidateValue}, champion ${championValue ?? 'none'})`);
  } else {
    if (config.threshold !== undefined) {
      const ok = greaterIsBetter ? atLeast(candidateValue, config.threshold) : atLeast(config.threshold, candidateValue);
      const op = greaterIsBetter ? '>=' : '<=';
      check(ok, `${metric} ${candidateValue} ${op} threshold ${config.threshold}`, `${metric} ${candidateValue} fails threshold ${config.threshold} (${better} is better)`);
    }
    const comparesWithChampion = config.minAbsoluteChange !== undefined || config.minRelativeChange !== undefined;
    if (!champion) {
      passes.push(comparesWithChampion ? 'no champion in production: the threshold alone decides' : 'no champion in production');
    } else if (comparesWithChampion && championValue === undefined) {
      failures.push(`metric ${metric} is missing from the champion's evaluation, so the challenger cannot be compared`);
    } else if (championValue !== undefined && improvement !== null) {
      if (config.minAbsoluteChange !== undefined) {
        check(
          atLeast(improvement, config.minAbsoluteChange),
          `${metric} improves on the champion by ${round(improvement)} >= ${config.minAbsoluteChange}`,
          `${metric} ${candidateValue} vs champion ${championValue}: improvement ${round(improvement)} < required ${config.minAbsoluteChange} (${better} is better)`,
        );
      }
      if (config.minRelativeChange !== undefined) {
        if (championValue === 0) {
          check(
            atLeast(improvement, ZERO_CHAMPION_EPSILON),
            `${metric} ${candidateValue} beats a champion of 0`,
            `${metric} ${candidateValue} does not beat a champion of 0 (relative change is undefined; the challenger must be strictly better)`,
          );
        } else {
          const relative = improvement / Math.abs(championValue);
          check(
            atLeast(relative, config.minRelativeChange),
            `${metric} improves on the champion by ${percent(relative)} >= ${percent(config.minRelativeChange)}`,
            `${metric} ${candidateValue} vs champion ${championValue}: relative improvement ${percent(relative)} < required ${percent(config.minRelativeChange)}`,
          );
        }
      }
    }
  }
  if (config.maxLatencyMs !== undefined) {
    const latency = challenger.latencyMs;
    if (latency === undefined) failures.push(`latency was not measured, but the gate caps it at ${config.maxLatencyMs} ms`);
    else check(latency <= config.maxLatencyMs, `latency ${latency} ms <= ${config.maxLatencyMs} ms`, `latency ${latency} ms exceeds the ceiling of ${config.maxLatencyMs} ms`);
  }
  if (config.maxSizeBytes !== undefined) {
    const size = challenger.sizeBytes;
    if (size === undefined) failures.push(`model size is unknown, but the gate caps it at ${config.maxSizeBytes} bytes`);
    else check(size <= config.maxSizeBytes, `model size ${size} bytes <= ${config.maxSizeBytes} bytes`, `model size ${size} bytes exceeds the ceiling of ${config.maxSizeBytes} bytes`);
  }
  const passed = failures.length === 0;
  return { passed, reasons: passed ? passes : failures, comparison };
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}

function percent(value: number): string {
  return `${round(value * 100)}%`;
}
