import { Hono } from 'hono';
import { html } from 'hono/html';
import { registerAssets } from './assets.ts';
import type { UiDeps } from './deps.ts';
import { userErrorStatus } from './errors.ts';
import { renderPage, type ShellLinks } from './layout.ts';
import { registerLogin } from './login.ts';
import { registerArtifactRoutes } from './pages/artifacts.ts';
import { registerDagPage } from './pages/dag.ts';
import { registerDagsPage } from './pages/dags.ts';
import { registerModelsPage } from './pages/models.ts';
import { registerRunPage } from './pages/run.ts';
import { newCsrfToken, securityMiddleware, wantsJson, type UiEnv } from './security.ts';

export type UiApp = Hono<UiEnv>;

/**
 * A page module: registers its routes (the page and its `/api/...` endpoints) on the app.
 * Pages read through `deps` only, and render with `renderPage` from layout.ts.
 */
export type PageModule = (app: UiApp, deps: UiDeps, links: ShellLinks) => void;

/** Every page of the view; add a page by adding its module here (see ui/README.md). */
const PAGES: readonly PageModule[] = [registerDagsPage, registerDagPage, registerRunPage, registerArtifactRoutes, registerModelsPage];

export interface UiAppOptions {
  /** Fixed CSRF token (tests); a random one per app otherwise. */
  csrfToken?: string;
  /** Where internal errors go; their messages never reach the browser. */
  logError?: (error: unknown) => void;
}

/**
 * The web view as a Hono app: security middleware, /assets, /login and every page module.
 * Serve it with `startUiServer` (server.ts) or call `app.request()` in tests.
 *
 * @example
 * const app = createUiApp({ client, db, taskQueue: 'weir', namespace: 'default', catalog, temporalUiUrl, auth: { actor: 'alice' } });
 */
export function createUiApp(deps: UiDeps, options: UiAppOptions = {}): UiApp {
  const app = new Hono<UiEnv>();
  const links: ShellLinks = { temporalUiUrl: deps.temporalUiUrl, namespace: deps.namespace };
  app.use(securityMiddleware(deps.auth, options.csrfToken ?? newCsrfToken()));
  registerAssets(app);
  registerLogin(app, deps.auth, links);
  for (const page of PAGES) page(app, deps, links);

  app.notFound((c) => (c.req.path.startsWith('/api/') ? c.json({ error: `no route ${c.req.path}` }, 404) : renderPage(c, links, { title: 'Not found', body: html`<h1>Not found</h1><p>No page at ${c.req.path}.</p>` })));
  app.onError((error, c) => {
    const status = userErrorStatus(error);
    if (status === undefined) (options.logError ?? ((e) => console.error('weir ui:', e)))(error);
    const message = status === undefined ? 'internal error; the server log has the details' : error.message;
    if (c.req.path.startsWith('/api/') || wantsJson(c)) return c.json({ error: message }, status ?? 500);
    c.status(status ?? 500);
    return renderPage(c, links, { title: status === 404 ? 'Not found' : 'Error', body: html`<h1>${status === 404 ? 'Not found' : 'Error'}</h1><p class="error">${message}</p>` });
  });
  return app;
}
