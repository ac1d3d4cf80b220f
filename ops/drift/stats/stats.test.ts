import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  chiSquaredTest,
  jensenShannonDistance,
  kolmogorovSf,
  ksTwoSample,
  normedWassersteinDistance,
  populationStabilityIndex,
  psiBand,
  regularizedGammaP,
  regularizedGammaQ,
  wassersteinDistance,
} from './index.ts';

interface Fixtures {
  ks: { name: string; reference: number[]; current: number[]; statistic: number; pValue: number; scipyAsympPValue: number }[];
  kolmogorov: { x: number; sf: number }[];
  gammaincc: { a: number; x: number; q: number; p: number }[];
  chiSquared: { name: string; referenceCounts: number[]; currentCounts: number[]; statistic: number; pValue: number; dof: number }[];
  psi: { epsilon: number; cases: { name: string; referenceCounts: number[]; currentCounts: number[]; psi: number }[] };
  jensenShannon: { name: string; reference: number[]; current: number[]; distance: number; distanceBase2: number }[];
  wasserstein: { name: string; reference: number[]; current: number[]; distance: number; normed: number }[];
}

// Written by fixtures/generate_reference.py with scipy and numpy; no Python needed here.
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/reference-values.json', import.meta.url), 'utf8')) as Fixtures;

/** |actual - expected| <= abs + rel * |expected|: absolute near zero, relative for tiny p-values. */
function expectClose(actual: number, expected: number, abs = 1e-9, rel = 1e-9): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(abs + rel * Math.abs(expected));
}

describe('two-sample Kolmogorov–Smirnov', () => {
  it.each(fixtures.ks)('$name', (c) => {
    const result = ksTwoSample(c.reference, c.current);
    expectClose(result.statistic, c.statistic, 1e-12);
    expectClose(result.pValue, c.pValue, 1e-10, 1e-8);
  });

  it.each(fixtures.kolmogorov)('Kolmogorov survival function at $x', ({ x, sf }) => {
    expectClose(kolmogorovSf(x), sf, 1e-12, 1e-10);
  });

  it('rejects an empty sample', () => {
    expect(() => ksTwoSample([], [1])).toThrow(RangeError);
  });
});

describe('chi-squared', () => {
  it.each(fixtures.gammaincc)('regularized incomplete gamma at a=$a, x=$x', ({ a, x, q, p }) => {
    expectClose(regularizedGammaQ(a, x), q, 1e-12, 1e-9);
    expectClose(regularizedGammaP(a, x), p, 1e-12, 1e-9);
  });

  it.each(fixtures.chiSquared)('$name', (c) => {
    const result = chiSquaredTest(c.referenceCounts, c.currentCounts);
    expectClose(result.statistic, c.statistic, 1e-9, 1e-12);
    expectClose(result.pValue, c.pValue, 1e-12, 1e-8);
    expect(result.dof).toBe(c.dof);
  });

  it('treats a category the reference never saw as certain drift', () => {
    expect(chiSquaredTest([10, 10, 0], [10, 10, 1])).toMatchObject({ statistic: Infinity, pValue: 0 });
  });

  it('gives p = 1 when there is a single category', () => {
    expect(chiSquaredTest([10, 0], [5, 0])).toMatchObject({ pValue: 1, dof: 0 });
  });
});

describe('population stability index', () => {
  it.each(fixtures.psi.cases)('$name', (c) => {
    expectClose(populationStabilityIndex(c.referenceCounts, c.currentCounts), c.psi, 1e-12, 1e-12);
  });

  it('bands at 0.1 and 0.25', () => {
    expect([0, 0.0999, 0.1, 0.2499, 0.25, 3].map(psiBand)).toEqual(['none', 'none', 'moderate', 'moderate', 'significant', 'significant']);
  });
});

describe('Jensen–Shannon distance', () => {
  it.each(fixtures.jensenShannon)('$name', (c) => {
    expectClose(jensenShannonDistance(c.reference, c.current), c.distance, 1e-12);
    expectClose(jensenShannonDistance(c.reference, c.current, 2), c.distanceBase2, 1e-12);
  });
});

describe('Wasserstein distance', () => {
  it.each(fixtures.wasserstein)('$name', (c) => {
    expectClose(wassersteinDistance(c.reference, c.current), c.distance, 1e-12, 1e-12);
    expectClose(normedWassersteinDistance(c.reference, c.current), c.normed, 1e-12, 1e-10);
  });
});
