import { describe, expect, it } from 'vitest';
import { chiSquaredTest } from '../stats/index.ts';
import { BinCounter } from './bins.ts';
import { Reservoir, seededRandom } from './reservoir.ts';

function count(edges: number[], values: number[]): BinCounter {
  const counter = new BinCounter(edges);
  counter.addAll(Float64Array.from(values));
  return counter;
}

describe('BinCounter', () => {
  it('puts a value on an inner edge in the bin it opens, and the last edge in the last bin', () => {
    const counter = count([0, 1, 2, 3], [0, 0.5, 1, 2, 2.999, 3]);
    expect(counter.counts).toEqual([2, 1, 3]);
    expect([counter.below, counter.above, counter.finite]).toEqual([0, 0, 6]);
  });

  it('counts values outside the edges as below and above, and skips NaN and infinities', () => {
    const counter = count([0, 10], [-0.001, 10.001, Number.NaN, Infinity, -Infinity, 5]);
    expect(counter.counts).toEqual([1]);
    expect([counter.below, counter.above, counter.finite]).toEqual([1, 1, 3]);
  });

  it('keeps counting across chunks', () => {
    const counter = new BinCounter([0, 1, 2]);
    counter.addAll(Float64Array.from([0.5, 1.5]));
    counter.addAll(Float64Array.from([1.5, 7]));
    expect(counter.counts).toEqual([1, 2]);
    expect(counter.above).toBe(1);
    expect(counter.finite).toBe(4);
  });

  it('handles a reference column with a single value', () => {
    const counter = count([5, 5], [4, 5, 5, 6]);
    expect(counter.counts).toEqual([2]);
    expect([counter.below, counter.above]).toEqual([1, 1]);
  });

  it('agrees with comparing against every edge for values off the edges', () => {
    const random = seededRandom(7);
    const edges = Array.from({ length: 31 }, (_, k) => -3 + (k * 9) / 30);
    const values = Array.from({ length: 5_000 }, () => -4 + random() * 11);
    const expected = new Array<number>(30).fill(0);
    for (const value of values) {
      const bin = edges.findIndex((edge, k) => k < 30 && value >= edge && value < edges[k + 1]!);
      if (bin >= 0) expected[bin]!++;
    }
    expect(count(edges, values).counts).toEqual(expected);
  });

  it('refuses fewer than two edges', () => {
    expect(() => new BinCounter([1])).toThrow(/two edges/);
  });
});

describe('Reservoir', () => {
  const offerAll = (reservoir: Reservoir, values: number[]) => values.forEach((value) => reservoir.offer(value));

  it('keeps every value, in order, while the stream is no longer than the sample', () => {
    const reservoir = new Reservoir(5, 1);
    offerAll(reservoir, [3, 1, 4]);
    expect(reservoir.values()).toEqual([3, 1, 4]);
    expect(reservoir.seen).toBe(3);
  });

  it('gives the same sample for the same seed and a different one for another seed', () => {
    const stream = Array.from({ length: 10_000 }, (_, i) => i);
    const sample = (seed: number) => {
      const reservoir = new Reservoir(50, seed);
      offerAll(reservoir, stream);
      return reservoir.values();
    };
    expect(sample(42)).toEqual(sample(42));
    expect(sample(42)).not.toEqual(sample(43));
    expect(new Set(sample(42)).size).toBe(50);
  });

  it('samples every position with equal probability', () => {
    const hits = new Array<number>(100).fill(0);
    for (let seed = 0; seed < 2_000; seed++) {
      const reservoir = new Reservoir(10, seed);
      offerAll(reservoir, Array.from({ length: 100 }, (_, i) => i));
      for (const value of reservoir.values()) hits[value]!++;
    }
    // 20,000 picks over 100 positions: a fair sampler passes chi-squared against uniform.
    const { pValue } = chiSquaredTest(new Array<number>(100).fill(200), hits);
    expect(pValue).toBeGreaterThan(0.001);
    // The tail of the stream is as likely as its head: Algorithm L's skips must not starve it.
    const head = hits.slice(0, 50).reduce((a, b) => a + b, 0);
    expect(Math.abs(head - 10_000)).toBeLessThan(400);
  });

  it('offers only finite values from a chunk, like offering them one by one', () => {
    const random = seededRandom(3);
    const chunk = Float64Array.from({ length: 3_000 }, (_, i) => (i % 7 === 0 ? Number.NaN : i % 11 === 0 ? Infinity : random()));
    const byChunk = new Reservoir(100, 9);
    byChunk.offerFinite(chunk);
    const oneByOne = new Reservoir(100, 9);
    for (const value of chunk) if (Number.isFinite(value)) oneByOne.offer(value);
    expect(byChunk.values()).toEqual(oneByOne.values());
    expect(byChunk.seen).toBe(oneByOne.seen);
  });

  it('refuses a negative or fractional size', () => {
    expect(() => new Reservoir(-1, 0)).toThrow(RangeError);
    expect(() => new Reservoir(1.5, 0)).toThrow(RangeError);
  });
});
