import type { DriftReport } from './report.ts';
import type { ColumnDrift } from './evaluate.ts';

/**
 * A self-contained HTML page: inline CSS and SVG only, no scripts or fonts, so it opens from an
 * artifact store, an email attachment or an air-gapped laptop alike.
 */
export function renderDriftHtml(report: DriftReport): string {
  const verdict = report.drifted ? 'Dataset drift detected' : 'No dataset drift';
  const rows = report.columns.map(renderColumn).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Drift report: ${escapeHtml(report.baseline.modelName)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#222;max-width:1100px}
h1{font-size:1.4rem}.verdict{padding:.6rem 1rem;border-radius:6px;font-weight:600;display:inline-block}
.drift{background:#fde2e1;color:#9b1c1c}.ok{background:#def7ec;color:#03543f}
table{border-collapse:collapse;width:100%;margin-top:1rem}td,th{border-bottom:1px solid #ddd;padding:.5rem;text-align:left;vertical-align:top}
.legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem;vertical-align:middle}
small{color:#666}
</style></head><body>
<h1>Drift report</h1>
<p class="verdict ${report.drifted ? 'drift' : 'ok'}">${verdict}: ${report.driftedColumns.length} of ${report.columns.length} columns drifted (${pct(report.share)}; threshold ${pct(report.datasetDriftShare)})</p>
<p>Model <b>${escapeHtml(report.baseline.modelName)}</b>${report.baseline.modelVersion ? ` version <b>${escapeHtml(report.baseline.modelVersion)}</b>` : ''}, baseline #${escapeHtml(report.baseline.id)}
from <code>${escapeHtml(report.baseline.datasetPath)}</code> (${report.referenceRows} rows) vs. <code>${escapeHtml(report.currentFile)}</code> (${report.currentRows} rows), ${escapeHtml(report.createdAt)}.</p>
<p class="legend"><span style="background:#4b6cb7"></span>baseline<span style="background:#e07b39"></span>current <small>(bars show each side's share of non-null values)</small></p>
<table><thead><tr><th>Column</th><th>Test</th><th>Result</th><th>Distribution</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>
`;
}

function renderColumn(column: ColumnDrift): string {
  const score = column.pValue !== null ? `p = ${formatNumber(column.pValue)} (drift if &lt; ${column.threshold})` : column.statistic !== null ? `${formatNumber(column.statistic)} (drift if ≥ ${column.threshold})` : '—';
  const statistic = column.pValue !== null && column.statistic !== null ? `<br><small>statistic ${formatNumber(column.statistic)}</small>` : '';
  const band = column.psiBand ? `<br><small>PSI band: ${column.psiBand}</small>` : '';
  const note = column.note ? `<br><small>${escapeHtml(column.note)}</small>` : '';
  return `<tr><td><b>${escapeHtml(column.column)}</b><br><small>${column.kind}; nulls ${column.reference.nulls} → ${column.current.nulls}</small></td>
<td>${testName(column.test)}</td>
<td><span class="verdict ${column.drifted ? 'drift' : 'ok'}">${column.drifted ? 'drifted' : 'stable'}</span><br>${score}${statistic}${band}${note}</td>
<td>${histogramSvg(column)}</td></tr>`;
}

const BAR_AREA_HEIGHT = 80;

function histogramSvg(column: ColumnDrift): string {
  const { labels, reference, current } = column.histogram;
  const refShares = shares(reference);
  const curShares = shares(current);
  const maxShare = Math.max(1e-9, ...refShares, ...curShares);
  const slot = Math.max(6, Math.min(40, Math.floor(480 / Math.max(1, labels.length))));
  const barWidth = Math.max(2, Math.floor(slot / 2) - 1);
  const width = slot * labels.length;
  const bars = labels
    .map((label, i) => {
      const x = i * slot;
      const refHeight = (refShares[i]! / maxShare) * BAR_AREA_HEIGHT;
      const curHeight = (curShares[i]! / maxShare) * BAR_AREA_HEIGHT;
      const title = `${label}: baseline ${pct(refShares[i]!)}, current ${pct(curShares[i]!)}`;
      return `<g><title>${escapeHtml(title)}</title>` +
        `<rect x="${x}" y="${(BAR_AREA_HEIGHT - refHeight).toFixed(1)}" width="${barWidth}" height="${refHeight.toFixed(1)}" fill="#4b6cb7"/>` +
        `<rect x="${x + barWidth}" y="${(BAR_AREA_HEIGHT - curHeight).toFixed(1)}" width="${barWidth}" height="${curHeight.toFixed(1)}" fill="#e07b39"/></g>`;
    })
    .join('');
  const first = labels[0] ?? '';
  const last = labels[labels.length - 1] ?? '';
  const axis = column.kind === 'categorical' && labels.length <= 12
    ? labels.map((label, i) => `<text x="${i * slot + barWidth}" y="${BAR_AREA_HEIGHT + 12}" font-size="9" text-anchor="middle">${escapeHtml(truncate(label, Math.max(3, Math.floor(slot / 6))))}</text>`).join('')
    : `<text x="0" y="${BAR_AREA_HEIGHT + 12}" font-size="9">${escapeHtml(first)}</text><text x="${width}" y="${BAR_AREA_HEIGHT + 12}" font-size="9" text-anchor="end">${escapeHtml(last)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${BAR_AREA_HEIGHT + 16}" role="img" aria-label="${escapeHtml(`histogram of ${column.column}`)}">${bars}${axis}</svg>`;
}

function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((acc, n) => acc + n, 0);
  return counts.map((n) => (total > 0 ? n / total : 0));
}

function testName(test: ColumnDrift['test']): string {
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
