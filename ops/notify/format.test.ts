import { describe, expect, it } from 'vitest';
import { formatNumber, formatPercent, metricTable, truncate } from './format.ts';
import { cleanSubject, renderText } from './render.ts';

describe('formatNumber', () => {
  it.each([
    [3, '3'],
    [0.812345, '0.8123'],
    [0.83 - 0.81, '0.02'],
    [1234.56789, '1234.5679'],
    [0.0000123456, '0.00001235'],
    [Number.NaN, 'NaN'],
  ])('%s → %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('formatPercent', () => {
  it('keeps one decimal at most', () => {
    expect(formatPercent(0.25)).toBe('25%');
    expect(formatPercent(1 / 3)).toBe('33.3%');
  });
});

describe('metricTable', () => {
  it('says better or worse only when the direction is known', () => {
    const table = metricTable([
      { metric: 'auc', champion: 0.8, challenger: 0.8 },
      { metric: 'rmse', champion: 0, challenger: 0.1 },
      { metric: 'f1', champion: 0.5, challenger: 0.6 },
    ]);
    expect(table).toEqual({
      kind: 'table',
      header: ['Metric', 'Champion', 'Challenger', 'Change'],
      rows: [
        ['auc', '0.8', '0.8', '0 (0%), same'],
        ['rmse', '0', '0.1', '+0.1'],
        ['f1', '0.5', '0.6', '+0.1 (+20%)'],
      ],
    });
  });
});

describe('text helpers', () => {
  it('truncate leaves short text alone', () => {
    expect(truncate('short', 10)).toBe('short');
  });

  it('cleanSubject makes one bounded line', () => {
    expect(cleanSubject('a\r\nBcc: x@example.com\tb')).toBe('a Bcc: x@example.com b');
    expect(cleanSubject('x'.repeat(500))).toHaveLength(200);
  });

  it('renderText aligns fields and tables', () => {
    expect(
      renderText([
        { kind: 'fields', rows: [['DAG', 'd'], ['Run type', 'manual']] },
        { kind: 'table', header: ['a', 'bb'], rows: [['ccc', 'd']] },
      ]),
    ).toBe('DAG:      d\nRun type: manual\n\na    bb\n---  --\nccc  d\n');
  });
});
