import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { UiAuthSettings } from './deps.ts';

/** What the security middleware hands to every route: who acts, and the token forms must echo. */
export interface UiEnv {
  Variables: {
    actor: string;
    csrfToken: string;
  };
}

/** Header a script sends with a mutating fetch; `weir.post()` in assets/weir.js sets it. */
export const CSRF_HEADER = 'x-weir-csrf';
/** Hidden form field carrying the same token, for plain HTML forms. */
export const CSRF_FIELD = '_csrf';
export const TOKEN_COOKIE = 'weir_ui_token';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PUBLIC_PATHS = [/^\/assets\//, /^\/login$/];

export class UiExposureError extends Error {
  constructor(readonly host: string) {
    super(
      `refusing to listen on ${host} without authentication: pass --auth-token (or set WEIR_UI_TOKEN), or --auth-proxy-header behind a trusted proxy, or listen on 127.0.0.1`,
    );
    this.name = 'UiExposureError';
  }
}

export class UiAuthSettingsError extends Error {
  constructor(readonly option: string, reason: string) {
    super(`${option}: ${reason}`);
    this.name = 'UiAuthSettingsError';
  }
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/**
 * Refuses a listen address other machines can reach unless requests are authenticated.
 *
 * @example checkExposure('0.0.0.0', { actor: 'ops' }) // throws UiExposureError
 */
export function checkExposure(host: string, auth: UiAuthSettings): void {
  if (auth.token !== undefined && auth.token.length < 16) throw new UiAuthSettingsError('--auth-token', 'must be at least 16 characters (for example `openssl rand -hex 24`)');
  if (auth.proxyHeader !== undefined && !/^[A-Za-z0-9-]+$/.test(auth.proxyHeader)) throw new UiAuthSettingsError('--auth-proxy-header', `"${auth.proxyHeader}" is not a header name`);
  if (isLoopbackHost(host)) return;
  if (auth.token || auth.proxyHeader) return;
  throw new UiExposureError(host);
}

/** A fresh random token for the CSRF check of one server. */
export function newCsrfToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison of two secrets of any length. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function presentedToken(c: Context): string | undefined {
  const authorization = c.req.header('authorization');
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim();
  return getCookie(c, TOKEN_COOKIE);
}

/** True when the client wants JSON back (fetch from a script, the API) rather than a page. */
export function wantsJson(c: Context): boolean {
  return c.req.path.startsWith('/api/') && (c.req.header('accept')?.includes('application/json') === true || c.req.header(CSRF_HEADER) !== undefined);
}

function refuse(c: Context, status: 401 | 403 | 421, message: string): Response {
  if (c.req.header('accept')?.includes('text/html') && !c.req.path.startsWith('/api/')) return c.text(message, status);
  return c.json({ error: message }, status);
}

/** The host the browser addressed, as a proxy forwards it or as the request names it. */
function requestHost(c: Context, auth: UiAuthSettings): string | undefined {
  return (auth.proxyHeader ? c.req.header('x-forwarded-host') : undefined) ?? c.req.header('host');
}

/**
 * Host check, authentication, actor and CSRF, in that order, for every route but /assets and /login.
 *
 * - No auth configured (loopback only): the Host header must name a loopback address, so a
 *   page on another site cannot reach this server through DNS rebinding.
 * - `proxyHeader`: the header must be present; its value is the actor.
 * - `token`: the request must carry it (cookie set by /login, or `Authorization: Bearer`).
 * - A mutating request must come from this origin (Origin header, when sent) and carry the
 *   CSRF token in the `x-weir-csrf` header or the `_csrf` form field.
 */
export function securityMiddleware(auth: UiAuthSettings, csrfToken: string): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    c.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    // Not no-referrer: with it, Chromium sends `Origin: null` on form posts, and the origin check needs the real one.
    c.header('Referrer-Policy', 'same-origin');
    c.set('csrfToken', csrfToken);
    c.set('actor', auth.actor);

    const host = requestHost(c, auth);
    if (!auth.token && !auth.proxyHeader) {
      if (!isLoopbackHost(hostnameOf(host))) return refuse(c, 421, `this server answers only to loopback addresses, not to Host "${host ?? ''}"; start it with --auth-token to expose it`);
    }

    if (!PUBLIC_PATHS.some((pattern) => pattern.test(c.req.path))) {
      if (auth.proxyHeader) {
        const user = c.req.header(auth.proxyHeader)?.trim();
        if (!user) return refuse(c, 401, `no ${auth.proxyHeader} header: this server expects its auth proxy to name the user`);
        c.set('actor', user.slice(0, 200));
      }
      if (auth.token) {
        const given = presentedToken(c);
        if (given === undefined || !sameSecret(given, auth.token)) {
          if (c.req.method === 'GET' && !c.req.path.startsWith('/api/')) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
          return refuse(c, 401, 'missing or wrong auth token: sign in at /login or send Authorization: Bearer <token>');
        }
      }
    }

    if (MUTATING.has(c.req.method)) {
      const origin = c.req.header('origin');
      if (origin !== undefined && origin !== 'null' && hostOfOrigin(origin) !== host) return refuse(c, 403, `cross-origin request from ${origin} refused`);
      if (origin === 'null') return refuse(c, 403, 'request from an opaque origin refused');
      const given = c.req.header(CSRF_HEADER) ?? (await formField(c, CSRF_FIELD));
      if (given === undefined || !sameSecret(given, csrfToken)) return refuse(c, 403, 'missing or stale CSRF token: reload the page and try again');
    }
    await next();
  };
}

function hostnameOf(host: string | undefined): string {
  try {
    return host ? new URL(`http://${host}`).hostname : '';
  } catch {
    return '';
  }
}

function hostOfOrigin(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** One field of a urlencoded or multipart body; Hono caches the parsed body for the route. */
export async function formField(c: Context, name: string): Promise<string | undefined> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  const body = await c.req.parseBody();
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}
