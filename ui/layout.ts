import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { CSRF_FIELD, type UiEnv } from './security.ts';

/** A fragment of HTML from the `html` tagged template (auto-escaped). */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The sections of the top navigation. */
export type NavSection = 'dags' | 'models' | 'runs';

export interface PageShell {
  title: string;
  nav?: NavSection;
  body: Html;
  /** Extra scripts under /assets/ this page needs, e.g. ['run-page.js']. */
  scripts?: readonly string[];
}

/** Where the Temporal UI link in the navigation points; set once by createUiApp. */
export interface ShellLinks {
  temporalUiUrl: string;
  namespace: string;
}

const NAV: readonly { section: NavSection; href: string; label: string }[] = [
  { section: 'dags', href: '/', label: 'DAGs' },
  { section: 'models', href: '/models', label: 'Models' },
];

/**
 * Renders a full page: the shell (navigation, notice from `?notice=` or `?error=`, the CSRF
 * token for scripts in a meta tag) around `page.body`.
 */
export function renderPage(c: Context<UiEnv>, links: ShellLinks, page: PageShell): Response | Promise<Response> {
  const notice = c.req.query('notice');
  const error = c.req.query('error');
  const temporalUi = `${links.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(links.namespace)}/workflows`;
  return c.html(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="weir-csrf" content="${c.var.csrfToken}">
<title>${page.title} · Weir</title>
<link rel="stylesheet" href="/assets/style.css">
<script src="/assets/weir.js" defer></script>
${(page.scripts ?? []).map((name) => html`<script src="/assets/${name}" defer></script>`)}
</head>
<body>
<header class="top">
  <a class="brand" href="/">Weir</a>
  <nav>${NAV.map((item) => html`<a href="${item.href}" class="${item.section === page.nav ? 'active' : ''}">${item.label}</a>`)}</nav>
  <span class="spacer"></span>
  <a class="external" href="${temporalUi}" rel="noopener noreferrer">Temporal UI</a>
  <span class="actor" title="actions are recorded under this name">${c.var.actor}</span>
</header>
<main>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${page.body}
</main>
</body>
</html>`);
}

/** The hidden CSRF field every HTML form that posts must include. */
export function csrfField(c: Context<UiEnv>): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${c.var.csrfToken}">`;
}

/** A link to one run in the Temporal Web UI. */
export function temporalRunUrl(links: ShellLinks, runId: string): string {
  return `${links.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(links.namespace)}/workflows/${encodeURIComponent(runId)}`;
}

/** How a time reads on a page: ISO minutes in UTC, the same for every viewer. */
export function formatUtc(date: Date | string | null | undefined): string {
  if (date === null || date === undefined) return '-';
  const value = typeof date === 'string' ? new Date(date) : date;
  return Number.isNaN(value.getTime()) ? '-' : `${value.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
