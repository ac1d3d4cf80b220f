import type { DriftReport, ReportedColumn } from './report.ts';
import { fromJsonNumber } from './report.ts';

/**
 * A self-contained HTML page: inline CSS and SVG only, no scripts or fonts, so it opens from an
 * artifact store, an email attachment or an air-gapped laptop alike. Drifted columns come first.
 */
export function renderDriftHtml(report: DriftReport): string {
  const verdict = report.drifted ? 'Dataset drift detected' : 'No dataset drift';
  const ordered = [...report.columns].sort((a, b) => Number(b.drifted) - Number(a.drifted));
  const rows = ordered.map(renderColumn).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Drift report: ${escapeHtml(report.baseline.modelName)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;padding:0 1rem;color:#222;max-width:1100px}
h1{font-size:1.4rem}.verdict{padding:.3rem .6rem;border-radius:6px;font-weight:600;display:inline-block}
.drift{background:#fde2e1;color:#9b1c1c}.ok{background:#def7ec;color:#03543f}
table{border-collapse:collapse;width:100%;margin-top:1rem;table-layout:fixed}td,th{border-bottom:1px solid #ddd;padding:.5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th:nth-child(1){width:20%}th:nth-child(2){width:13%}th:nth-child(3){width:20%}th:nth-child(4){width:47%}
.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem;vertical-align:middle}
svg{max-width:100%;height:auto}small{color:#666}.new{color:#9b1c1c}
</style></head><body>
<h1>Drift report</h1>
<p class="verdict ${report.drifted ? 'drift' : 'ok'}">${verdict}: ${report.driftedColumns.length} of ${report.columns.length} columns drifted (${pct(report.share)}; threshold ${pct(report.datasetDriftShare)})</p>
<p>Model <b>${escapeHtml(report.baseline.modelName)}</b>${report.baseline.modelVersion ? ` version <b>${escapeHtml(report.baseline.modelVersion)}</b>` : ''}, baseline #${escapeHtml(report.baseline.id)}
from <code>${escapeHtml(report.baseline.datasetPath)}</code> (${report.referenceRows} rows) vs. <code>${escapeHtml(report.currentFile)}</code> (${report.currentRows} rows), ${escapeHtml(report.createdAt)}.
Tests and thresholds as Evidently 0.7's DataDriftPreset, on the full data of both sides.</p>
<p class="legend"><span style="background:#4b6cb7"></span>reference<span style="background:#e07b39"></span>current <small>(bars show each side's share of its non-null values)</small></p>
<table><thead><tr><th>Column</th><th>Test</th><th>Result</th><th>Distribution</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>
`;
}

function renderColumn(column: ReportedColumn): string {
  const pValue = fromJsonNumber(column.pValue);
  const statistic = fromJsonNumber(column.statistic);
  const comparison = column.test === 'ks' ? '≤' : '&lt;';
  const score = pValue !== null ? `p = ${formatNumber(pValue)} (drift if ${comparison} ${column.threshold})` : statistic !== null ? `${formatNumber(statistic)}${column.statisticBound !== undefined ? ` ± ${formatNumber(column.statisticBound)}` : ''} (drift if ≥ ${column.threshold})` : '—';
  const statisticLine = pValue !== null && statistic !== null ? `<br><small>statistic ${formatNumber(statistic)}</small>` : '';
  const band = column.psiBand ? `<br><small>PSI band: ${column.psiBand}</small>` : '';
  const note = column.note ? `<br><small>${escapeHtml(column.note)}</small>` : '';
  const newCategories = column.histogram.newCategories?.length
    ? `<br><small class="new">new ${column.histogram.newCategories.length === 1 ? 'category' : 'categories'}: ${column.histogram.newCategories.slice(0, 10).map(escapeHtml).join(', ')}${column.histogram.newCategories.length > 10 ? ` and ${column.histogram.newCategories.length - 10} more` : ''}</small>`
    : '';
  return `<tr><td><b>${escapeHtml(column.column)}</b><br><small>${column.kind}; ${column.distinctBothSides} distinct values; nulls ${column.reference.nulls} → ${column.current.nulls}</small></td>
<td>${testName(column.test)}${column.ksMethod ? `<br><small>${column.ksMethod} p-value</small>` : ''}</td>
<td><span class="verdict ${column.drifted ? 'drift' : 'ok'}">${column.drifted ? 'drifted' : 'stable'}</span><br>${score}${statisticLine}${band}${note}${newCategories}</td>
<td>${histogramSvg(column)}${clippedNote(column)}</td></tr>`;
}

const WIDTH = 480;
const LEFT = 34;
const PLOT_HEIGHT = 90;
const TOP = 6;

/** Fixed width whatever the number of bars; x axis names the column's values, y axis the share. */
function histogramSvg(column: ReportedColumn): string {
  const { labels, reference, current, axis } = column.histogram;
  if (labels.length === 0) return '<small>no values to draw</small>';
  const refShares = shares(reference);
  const curShares = shares(current);
  const maxShare = Math.max(1e-9, ...refShares, ...curShares);
  const plotWidth = WIDTH - LEFT - 4;
  const slot = plotWidth / labels.length;
  const barWidth = Math.max(1, slot / 2 - 1);
  const categories = axis === 'category';
  const labelRows = categories ? 40 : 16;
  const height = TOP + PLOT_HEIGHT + labelRows + 16;
  const bars = labels
    .map((label, i) => {
      const x = LEFT + i * slot;
      const refHeight = (refShares[i]! / maxShare) * PLOT_HEIGHT;
      const curHeight = (curShares[i]! / maxShare) * PLOT_HEIGHT;
      const title = `${label}: reference ${pct(refShares[i]!)}, current ${pct(curShares[i]!)}`;
      return `<g><title>${escapeHtml(title)}</title>` +
        `<rect x="${x.toFixed(1)}" y="${(TOP + PLOT_HEIGHT - refHeight).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${refHeight.toFixed(1)}" fill="#4b6cb7"/>` +
        `<rect x="${(x + barWidth).toFixed(1)}" y="${(TOP + PLOT_HEIGHT - curHeight).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${curHeight.toFixed(1)}" fill="#e07b39"/></g>`;
    })
    .join('');
  const baseY = TOP + PLOT_HEIGHT;
  const yAxis = `<line x1="${LEFT - 2}" y1="${TOP}" x2="${LEFT - 2}" y2="${baseY}" stroke="#999"/><line x1="${LEFT - 2}" y1="${baseY}" x2="${WIDTH - 4}" y2="${baseY}" stroke="#999"/>` +
    `<text x="${LEFT - 4}" y="${TOP + 8}" font-size="9" text-anchor="end">${Math.round(maxShare * 100)}%</text><text x="${LEFT - 4}" y="${baseY}" font-size="9" text-anchor="end">0%</text>` +
    `<text x="8" y="${TOP + PLOT_HEIGHT / 2}" font-size="9" text-anchor="middle" transform="rotate(-90 8 ${TOP + PLOT_HEIGHT / 2})">share</text>`;
  const ticks = categories
    ? labels.map((label, i) => {
      const x = LEFT + i * slot + barWidth;
      return `<text x="${x.toFixed(1)}" y="${baseY + 10}" font-size="9" text-anchor="end" transform="rotate(-35 ${x.toFixed(1)} ${baseY + 10})">${escapeHtml(truncate(label, 14))}</text>`;
    }).join('')
    : `<text x="${LEFT}" y="${baseY + 11}" font-size="9">${escapeHtml(lowEdge(labels[0]!))}</text><text x="${LEFT + plotWidth / 2}" y="${baseY + 11}" font-size="9" text-anchor="middle">${escapeHtml(lowEdge(labels[Math.floor(labels.length / 2)]!))}</text><text x="${WIDTH - 4}" y="${baseY + 11}" font-size="9" text-anchor="end">${escapeHtml(highEdge(labels[labels.length - 1]!))}</text>`;
  const xTitle = `<text x="${LEFT + plotWidth / 2}" y="${height - 3}" font-size="10" text-anchor="middle">${escapeHtml(categories ? `${column.column} (category)` : `${column.column} (value)`)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(`histogram of ${column.column}`)}">${yAxis}${bars}${ticks}${xTitle}</svg>`;
}

function clippedNote(column: ReportedColumn): string {
  const clipped = column.histogram.clipped;
  const parts: string[] = [];
  if (clipped) {
    const { below, above } = clipped;
    if (below.reference + below.current > 0) parts.push(`below ${escapeHtml(lowEdge(column.histogram.labels[0]!))}: reference ${below.reference}, current ${below.current}`);
    if (above.reference + above.current > 0) parts.push(`above ${escapeHtml(highEdge(column.histogram.labels.at(-1)!))}: reference ${above.reference}, current ${above.current}`);
  }
  if (column.histogram.otherCategories) parts.push(`"other" sums ${column.histogram.otherCategories} less frequent categories`);
  return parts.length ? `<br><small>${parts.length && clipped ? 'outside the drawn 1st–99th percentile range: ' : ''}${parts.join('; ')}</small>` : '';
}

function lowEdge(label: string): string {
  return label.split(' – ')[0] ?? label;
}

function highEdge(label: string): string {
  return label.split(' – ')[1] ?? label;
}

function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((acc, n) => acc + n, 0);
  return counts.map((n) => (total > 0 ? n / total : 0));
}

function testName(test: ReportedColumn['test']): string {
  return { ks: 'Kolmogorov–Smirnov', chisquare: 'chi-squared', z: 'two-proportion z-test', wasserstein: 'normed Wasserstein', jensenshannon: 'Jensen–Shannon', psi: 'PSI' }[test];
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e-3 || value === 0 ? value.toFixed(4) : value.toExponential(2);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}
