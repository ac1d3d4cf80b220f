import { describe, expect, it } from 'vitest';
import { evaluateGate, GateConfigError, type GateConfig } from './gate.ts';

const auc = (value: number) => ({ metrics: { auc: value } });
const rmse = (value: number) => ({ metrics: { rmse: value } });
const higher = (extra: Partial<GateConfig> = {}): GateConfig => ({ metric: 'auc', greaterIsBetter: true, ...extra });
const lower = (extra: Partial<GateConfig> = {}): GateConfig => ({ metric: 'rmse', greaterIsBetter: false, ...extra });

describe('evaluateGate: threshold', () => {
  it('passes at or above the threshold when higher is better, fails below', () => {
    expect(evaluateGate(higher({ threshold: 0.8 }), auc(0.81), null).passed).toBe(true);
    expect(evaluateGate(higher({ threshold: 0.8 }), auc(0.8), null).passed).toBe(true);
    const failed = evaluateGate(higher({ threshold: 0.8 }), auc(0.79), null);
    expect(failed.passed).toBe(false);
    expect(failed.reasons).toEqual(['auc 0.79 fails threshold 0.8 (higher is better)']);
  });

  it('passes at or below the threshold when lower is better, fails above', () => {
    expect(evaluateGate(lower({ threshold: 2 }), rmse(1.5), null).passed).toBe(true);
    expect(evaluateGate(lower({ threshold: 2 }), rmse(2), null).passed).toBe(true);
    expect(evaluateGate(lower({ threshold: 2 }), rmse(2.01), null).passed).toBe(false);
  });
});

describe('evaluateGate: no champion', () => {
  it('lets the threshold alone decide, ignoring the change requirements', () => {
    const result = evaluateGate(higher({ threshold: 0.8, minAbsoluteChange: 0.5, minRelativeChange: 0.9 }), auc(0.85), null);
    expect(result.passed).toBe(true);
    expect(result.reasons).toContain('no champion in production: the threshold alone decides');
    expect(result.comparison).toMatchObject({ champion: null, improvement: null, relativeImprovement: null });
    expect(evaluateGate(higher({ threshold: 0.8, minAbsoluteChange: 0.5 }), auc(0.7), null).passed).toBe(false);
  });

  it('passes a first model when only change requirements are set', () => {
    expect(evaluateGate(higher({ minRelativeChange: 0.1 }), auc(0.1), null).passed).toBe(true);
  });
});

describe('evaluateGate: minAbsoluteChange', () => {
  it('requires challenger >= champion + change when higher is better, boundary included', () => {
    expect(evaluateGate(higher({ minAbsoluteChange: 0.05 }), auc(0.86), auc(0.8)).passed).toBe(true);
    // 0.8 + 0.05 is 0.8500000000000001 in binary floats; equality must still pass.
    expect(evaluateGate(higher({ minAbsoluteChange: 0.05 }), auc(0.85), auc(0.8)).passed).toBe(true);
    const failed = evaluateGate(higher({ minAbsoluteChange: 0.05 }), auc(0.84), auc(0.8));
    expect(failed.passed).toBe(false);
    expect(failed.reasons[0]).toMatch(/^auc 0\.84 vs champion 0\.8: improvement 0\.04 < required 0\.05/);
  });

  it('requires challenger <= champion - change when lower is better', () => {
    expect(evaluateGate(lower({ minAbsoluteChange: 0.5 }), rmse(1.5), rmse(2)).passed).toBe(true);
    expect(evaluateGate(lower({ minAbsoluteChange: 0.5 }), rmse(1.6), rmse(2)).passed).toBe(false);
    expect(evaluateGate(lower({ minAbsoluteChange: 0.5 }), rmse(2.5), rmse(2)).comparison.improvement).toBe(-0.5);
  });

  it('fails an equal challenger, since the change must be positive', () => {
    expect(evaluateGate(higher({ minAbsoluteChange: 0.001 }), auc(0.9), auc(0.9)).passed).toBe(false);
  });
});

describe('evaluateGate: minRelativeChange', () => {
  it('divides the improvement by the champion when higher is better', () => {
    const result = evaluateGate(higher({ minRelativeChange: 0.1 }), auc(0.55), auc(0.5));
    expect(result.passed).toBe(true);
    expect(result.comparison.relativeImprovement).toBeCloseTo(0.1, 12);
    expect(evaluateGate(higher({ minRelativeChange: 0.1 }), auc(0.549), auc(0.5)).passed).toBe(false);
  });

  it('divides by |champion| for a negative champion (MLflow rule), so improving still counts as positive', () => {
    // Higher is better, champion -2, challenger -1.5: +0.5 over |-2| = +25%.
    const result = evaluateGate({ metric: 'score', greaterIsBetter: true, minRelativeChange: 0.2 }, { metrics: { score: -1.5 } }, { metrics: { score: -2 } });
    expect(result.comparison.relativeImprovement).toBeCloseTo(0.25, 12);
    expect(result.passed).toBe(true);
    // Worse than a negative champion is a negative relative change, never a pass.
    expect(evaluateGate({ metric: 'score', greaterIsBetter: true, minRelativeChange: 0 }, { metrics: { score: -2.5 } }, { metrics: { score: -2 } }).passed).toBe(false);
    // Lower is better with a negative champion: -3 vs -2 is 1 better over |-2| = 50%.
    const lowerResult = evaluateGate({ metric: 'loss', greaterIsBetter: false, minRelativeChange: 0.5 }, { metrics: { loss: -3 } }, { metrics: { loss: -2 } });
    expect(lowerResult.comparison.relativeImprovement).toBeCloseTo(0.5, 12);
    expect(lowerResult.passed).toBe(true);
  });

  it('uses (champion - challenger) / |champion| when lower is better', () => {
    expect(evaluateGate(lower({ minRelativeChange: 0.2 }), rmse(1.6), rmse(2)).passed).toBe(true);
    expect(evaluateGate(lower({ minRelativeChange: 0.2 }), rmse(1.61), rmse(2)).passed).toBe(false);
  });

  it('treats an unchanged metric as a 0% change: passes a 0 requirement, fails any other', () => {
    expect(evaluateGate(higher({ minRelativeChange: 0 }), auc(0.7), auc(0.7)).passed).toBe(true);
    expect(evaluateGate(higher({ minRelativeChange: 0.01 }), auc(0.7), auc(0.7)).passed).toBe(false);
  });

  it('falls back to "strictly better" when the champion is exactly 0', () => {
    const zero = { metrics: { gain: 0 } };
    const config: GateConfig = { metric: 'gain', greaterIsBetter: true, minRelativeChange: 0.5 };
    expect(evaluateGate(config, { metrics: { gain: 0.001 } }, zero).passed).toBe(true);
    const equal = evaluateGate(config, { metrics: { gain: 0 } }, zero);
    expect(equal.passed).toBe(false);
    expect(equal.comparison.relativeImprovement).toBeNull();
    expect(evaluateGate({ ...config, greaterIsBetter: false }, { metrics: { gain: -0.001 } }, zero).passed).toBe(true);
    expect(evaluateGate({ ...config, greaterIsBetter: false }, { metrics: { gain: 0.001 } }, zero).passed).toBe(false);
  });
});

describe('evaluateGate: missing metrics and combined checks', () => {
  it('fails when the challenger lacks the metric', () => {
    const result = evaluateGate(higher({ threshold: 0.5 }), { metrics: { f1: 0.9 } }, null);
    expect(result).toMatchObject({ passed: false, reasons: ["metric auc is missing from the challenger's evaluation"] });
    expect(result.comparison.challenger).toBeNull();
  });

  it('fails when a comparison is required and the champion lacks the metric', () => {
    const result = evaluateGate(higher({ minAbsoluteChange: 0.01 }), auc(0.9), { metrics: { f1: 0.9 } });
    expect(result.passed).toBe(false);
    expect(result.reasons[0]).toMatch(/missing from the champion/);
  });

  it('ignores a champion without the metric when only the threshold is set', () => {
    expect(evaluateGate(higher({ threshold: 0.5 }), auc(0.9), { metrics: {} }).passed).toBe(true);
  });

  it('fails on a non-finite metric', () => {
    expect(evaluateGate(higher({ threshold: 0.5 }), auc(Number.NaN), null).passed).toBe(false);
  });

  it('reports every failed check, not just the first', () => {
    const result = evaluateGate(
      higher({ threshold: 0.95, minAbsoluteChange: 0.1, minRelativeChange: 0.5, maxLatencyMs: 50, maxSizeBytes: 1000 }),
      { metrics: { auc: 0.9 }, latencyMs: 80, sizeBytes: 2000 },
      auc(0.89),
    );
    expect(result.passed).toBe(false);
    expect(result.reasons).toHaveLength(5);
  });
});

describe('evaluateGate: ceilings', () => {
  it('passes latency and size at the ceiling, fails above it', () => {
    const config = higher({ threshold: 0.5, maxLatencyMs: 100, maxSizeBytes: 1024 });
    expect(evaluateGate(config, { ...auc(0.9), latencyMs: 100, sizeBytes: 1024 }, null).passed).toBe(true);
    expect(evaluateGate(config, { ...auc(0.9), latencyMs: 100.5, sizeBytes: 1024 }, null).reasons).toEqual(['latency 100.5 ms exceeds the ceiling of 100 ms']);
    expect(evaluateGate(config, { ...auc(0.9), latencyMs: 10, sizeBytes: 1025 }, null).reasons).toEqual(['model size 1025 bytes exceeds the ceiling of 1024 bytes']);
  });

  it('fails when a capped quantity was not measured', () => {
    const result = evaluateGate(higher({ threshold: 0.5, maxLatencyMs: 100 }), auc(0.9), null);
    expect(result).toMatchObject({ passed: false, reasons: ['latency was not measured, but the gate caps it at 100 ms'] });
  });
});

describe('evaluateGate: configuration', () => {
  it.each<[string, Partial<GateConfig>, string]>([
    ['no criterion', {}, 'threshold'],
    ['a zero absolute change', { minAbsoluteChange: 0 }, 'minAbsoluteChange'],
    ['a negative absolute change', { minAbsoluteChange: -1 }, 'minAbsoluteChange'],
    ['a relative change above 1', { minRelativeChange: 1.5 }, 'minRelativeChange'],
    ['a negative relative change', { minRelativeChange: -0.1 }, 'minRelativeChange'],
    ['a NaN threshold', { threshold: Number.NaN }, 'threshold'],
  ])('rejects %s', (_label, extra, field) => {
    let caught: unknown;
    try {
      evaluateGate(higher(extra), auc(0.9), null);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GateConfigError);
    expect(caught).toMatchObject({ field });
  });
});
