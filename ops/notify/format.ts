import type { MetricComparison } from './events.ts';
import type { Block } from './render.ts';

/** Four significant digits: enough to tell 0.8123 from 0.8131, short enough to scan. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(Math.abs(value) >= 1 ? value.toFixed(4) : value.toPrecision(4)));
}

/** 0.25 → "25%", 1/3 → "33.3%". */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}

export function formatSigned(value: number): string {
  const text = formatNumber(value);
  return value > 0 ? `+${text}` : text;
}

/** Cuts long text (stack traces) so one failure cannot produce a megabyte email. */
export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n… (${text.length - maxChars} more characters)`;
}

/**
 * Champion vs challenger, one row per metric. The change column says "better" or "worse" only
 * when the metric's direction is known, because a lower log loss is good and a lower AUC is not.
 */
export function metricTable(metrics: readonly MetricComparison[]): Block {
  return {
    kind: 'table',
    header: ['Metric', 'Champion', 'Challenger', 'Change'],
    rows: metrics.map((row) => [row.metric, row.champion === null ? '—' : formatNumber(row.champion), formatNumber(row.challenger), describeChange(row)]),
  };
}

function describeChange(row: MetricComparison): string {
  if (row.champion === null) return 'no champion yet';
  const delta = row.challenger - row.champion;
  const relative = row.champion === 0 ? '' : ` (${formatSigned(Number(((delta / Math.abs(row.champion)) * 100).toFixed(1)))}%)`;
  const verdict = row.higherIsBetter === undefined || delta === 0 ? (delta === 0 ? ', same' : '') : (delta > 0) === row.higherIsBetter ? ', better' : ', worse';
  return `${formatSigned(delta)}${relative}${verdict}`;
}
