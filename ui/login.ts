import type { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { UiAuthSettings } from './deps.ts';
import { csrfField, renderPage, type ShellLinks } from './layout.ts';
import { safeReturnPath } from './respond.ts';
import { TOKEN_COOKIE, formField, sameSecret, type UiEnv } from './security.ts';

/** /login: trades the auth token for an HttpOnly, SameSite=Strict cookie. Only with a token configured. */
export function registerLogin(app: Hono<UiEnv>, auth: UiAuthSettings, links: ShellLinks): void {
  app.get('/login', (c) => {
    if (!auth.token) return c.redirect('/', 303);
    const next = safeReturnPath(c.req.query('next'), '/');
    return renderPage(c, links, {
      title: 'Sign in',
      body: html`<h1>Sign in</h1>
<form method="post" action="/login" class="card narrow">
  ${csrfField(c)}
  <input type="hidden" name="next" value="${next}">
  <label>Auth token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
  <button type="submit">Sign in</button>
</form>`,
    });
  });

  app.post('/login', async (c) => {
    if (!auth.token) return c.redirect('/', 303);
    const token = (await formField(c, 'token')) ?? '';
    const next = safeReturnPath(await formField(c, 'next'), '/');
    if (!sameSecret(token, auth.token)) return c.redirect(`/login?next=${encodeURIComponent(next)}&error=${encodeURIComponent('wrong token')}`, 303);
    const secure = new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
    setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', secure });
    return c.redirect(next, 303);
  });
}
