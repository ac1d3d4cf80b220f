import { describe, expect, it } from 'vitest';
import { maxOverlap } from './overlap.ts';

const span = (startedAt: number, endedAt: number) => ({ startedAt, endedAt });

describe('maxOverlap', () => {
  it('is 0 for nothing and 1 for one interval', () => {
    expect(maxOverlap([])).toBe(0);
    expect(maxOverlap([span(0, 10)])).toBe(1);
  });

  it('counts intervals open at the same instant', () => {
    expect(maxOverlap([span(0, 10), span(5, 15), span(8, 9), span(20, 30)])).toBe(3);
  });

  it('does not count back-to-back intervals as overlapping', () => {
    expect(maxOverlap([span(0, 10), span(10, 20), span(20, 30)])).toBe(1);
  });

  it('does not depend on the order of its input', () => {
    const spans = [span(20, 30), span(0, 10), span(25, 40), span(5, 26)];
    expect(maxOverlap(spans)).toBe(maxOverlap([...spans].reverse()));
    expect(maxOverlap(spans)).toBe(3);
  });
});
