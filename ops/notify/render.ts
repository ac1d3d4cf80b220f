/**
 * A tiny document model, so every message is written once and rendered twice: as plain text
 * (what on-call engineers read in a terminal or a phone preview) and as simple HTML.
 */
export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'fields'; rows: ReadonlyArray<readonly [label: string, value: string]> }
  | { kind: 'list'; items: readonly string[] }
  | { kind: 'table'; header: readonly string[]; rows: ReadonlyArray<readonly string[]> }
  | { kind: 'preformatted'; text: string }
  | { kind: 'link'; label: string; url: string };

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const MAX_SUBJECT_CHARS = 200;

/** One line, no control characters, bounded: mail clients truncate long subjects anyway. */
export function cleanSubject(subject: string): string {
  const line = subject.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return line.length > MAX_SUBJECT_CHARS ? `${line.slice(0, MAX_SUBJECT_CHARS - 1)}…` : line;
}

export function renderEmail(subject: string, blocks: readonly Block[]): EmailContent {
  const clean = cleanSubject(subject);
  return { subject: clean, text: renderText(blocks), html: renderHtml(clean, blocks) };
}

export function renderText(blocks: readonly Block[]): string {
  return `${blocks.map(blockText).join('\n\n')}\n`;
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text;
    case 'heading':
      return `${block.text}\n${'-'.repeat(block.text.length)}`;
    case 'fields': {
      const width = Math.max(...block.rows.map(([label]) => label.length)) + 2;
      return block.rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`).join('\n');
    }
    case 'list':
      return block.items.map((item) => `- ${item}`).join('\n');
    case 'table': {
      const widths = block.header.map((cell, column) => Math.max(cell.length, ...block.rows.map((row) => (row[column] ?? '').length)));
      const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
      return [line(block.header), line(widths.map((width) => '-'.repeat(width))), ...block.rows.map(line)].join('\n');
    }
    case 'preformatted':
      return block.text
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n');
    case 'link':
      return `${block.label}:\n${block.url}`;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

// Inline styles only: most mail clients drop <style> elements.
const CELL = 'style="text-align:left;padding:2px 12px 2px 0;vertical-align:top"';

export function renderHtml(title: string, blocks: readonly Block[]): string {
  const body = blocks.map(blockHtml).join('\n');
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:14px;line-height:1.4;color:#1a1a1a">',
    body,
    '</body></html>',
    '',
  ].join('\n');
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'heading':
      return `<h3 style="margin:16px 0 4px">${escapeHtml(block.text)}</h3>`;
    case 'fields':
      return `<table>${block.rows.map(([label, value]) => `<tr><th ${CELL}>${escapeHtml(label)}</th><td ${CELL}>${escapeHtml(value)}</td></tr>`).join('')}</table>`;
    case 'list':
      return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
    case 'table': {
      const head = `<tr>${block.header.map((cell) => `<th ${CELL}>${escapeHtml(cell)}</th>`).join('')}</tr>`;
      const rows = block.rows.map((row) => `<tr>${row.map((cell) => `<td ${CELL}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
      return `<table style="border-collapse:collapse">${head}${rows}</table>`;
    }
    case 'preformatted':
      return `<pre style="background:#f6f8fa;padding:8px;white-space:pre-wrap">${escapeHtml(block.text)}</pre>`;
    case 'link':
      // Only schemes a reader expects to click; anything else (javascript:, data:) stays text.
      return /^(https?|file):/i.test(block.url)
        ? `<p><a href="${escapeHtml(block.url)}">${escapeHtml(block.label)}</a></p>`
        : `<p>${escapeHtml(block.label)}: ${escapeHtml(block.url)}</p>`;
  }
}
