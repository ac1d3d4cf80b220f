import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { binIndex, kolmogorovNSf, ksTwoSamplePValue, sturgesEdges, twoProportionZTest } from './index.ts';

/** From ../fixtures/generate_scipy_exact.py (scipy 1.17, numpy 2.4). */
const fixture = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'scipy-exact.json'), 'utf8')) as {
  ks: { n1: number; n2: number; statistic: number; pValue: number }[];
  kstwo: { n: number; x: number; sf: number }[];
  z: { referenceOther: number; referenceTotal: number; currentOther: number; currentTotal: number; z: number; pValue: number }[];
  sturges: { min: number; max: number; count: number; integers: boolean; edges: number[] }[];
};

describe('KS p-value as scipy ks_2samp(method="auto")', () => {
  for (const c of fixture.ks) {
    it(`n=${c.n1}, m=${c.n2}`, () => {
      const result = ksTwoSamplePValue(c.statistic, c.n1, c.n2);
      expect(result.method).toBe('exact');
      expect(Math.abs(result.pValue - c.pValue) / c.pValue).toBeLessThan(1e-9);
    });
  }
  it('switches to kstwo above 10,000 values', () => {
    expect(ksTwoSamplePValue(0.02, 12_000, 700).method).toBe('asymptotic');
  });
});

describe('kstwo.sf', () => {
  for (const c of fixture.kstwo) {
    it(`n=${c.n}, x=${c.x}`, () => expect(Math.abs(kolmogorovNSf(c.n, c.x) - c.sf) / c.sf).toBeLessThan(1e-9));
  }
});

describe('pooled two-proportion z-test', () => {
  for (const c of fixture.z) {
    it(`${c.referenceOther}/${c.referenceTotal} vs ${c.currentOther}/${c.currentTotal}`, () => {
      const result = twoProportionZTest(c.referenceOther, c.referenceTotal, c.currentOther, c.currentTotal);
      expect(result.z).toBeCloseTo(c.z, 12);
      expect(Math.abs(result.pValue - c.pValue)).toBeLessThan(1e-12);
    });
  }
});

describe("numpy's Sturges edges", () => {
  for (const c of fixture.sturges) {
    it(`[${c.min}, ${c.max}] over ${c.count} values`, () => expect(sturgesEdges(c.min, c.max, c.count, c.integers)).toEqual(c.edges));
  }
  it('bins as np.histogram: left-closed, the last bin closed', () => {
    const edges = [0, 1, 2, 3];
    expect([0, 0.5, 1, 2.999, 3].map((v) => binIndex(edges, v))).toEqual([0, 0, 1, 2, 2]);
  });
});
