import type { Context } from 'hono';
import { wantsJson, type UiEnv } from './security.ts';

/** Only a path on this site: never an absolute or protocol-relative URL from a form. */
export function safeReturnPath(path: string | undefined, fallback: string): string {
  return path && path.startsWith('/') && !path.startsWith('//') && !path.includes('\\') ? path : fallback;
}

function withQuery(path: string, key: string, value: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}

/**
 * Answers a mutation: JSON `{ ok, message, ...data }` to a script, or a 303 back to the page
 * with `?notice=` for a plain form post (so the page works without JavaScript).
 */
export function mutationDone(c: Context<UiEnv>, back: string, message: string, data: Record<string, unknown> = {}): Response {
  if (wantsJson(c)) return c.json({ ok: true, message, ...data });
  return c.redirect(withQuery(back, 'notice', message), 303);
}

/** Answers a refused mutation the same two ways, with the error's one-line message. */
export function mutationFailed(c: Context<UiEnv>, back: string, status: 400 | 404 | 409, message: string): Response {
  if (wantsJson(c)) return c.json({ ok: false, error: message }, status);
  return c.redirect(withQuery(back, 'error', message), 303);
}
