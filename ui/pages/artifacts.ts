import path from 'node:path';
import { Readable } from 'node:stream';
import { ArtifactNotFoundError, ArtifactPathError } from '../../artifacts/index.ts';
import type { PageModule } from '../app.ts';
import { UiNotFoundError } from '../errors.ts';

const TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * `/artifacts?uri=...`: one artifact of the store the workers write to, for the links of the run
 * page's task panel and the inline drift report. The store refuses any URI outside its root.
 * HTML is served sandboxed (no script runs, no request leaves), framable only by this site.
 */
export const registerArtifactRoutes: PageModule = (app, deps) => {
  app.get('/artifacts', async (c) => {
    const uri = c.req.query('uri') ?? '';
    const store = deps.artifacts;
    if (!store) throw new UiNotFoundError(`artifact ${uri} (this server has no artifact store configured)`);
    let stream: Readable;
    try {
      stream = await store.openRead(uri);
    } catch (error) {
      if (error instanceof ArtifactPathError || error instanceof ArtifactNotFoundError) throw new UiNotFoundError(`artifact ${uri}`);
      throw error;
    }
    const type = TYPES[path.extname(store.keyOf(uri)).toLowerCase()] ?? 'application/octet-stream';
    c.header('Content-Type', type);
    c.header('Content-Security-Policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'");
    c.header('X-Frame-Options', 'SAMEORIGIN');
    if (type === 'application/octet-stream') c.header('Content-Disposition', `attachment; filename="${path.basename(store.keyOf(uri)).replace(/"/g, '')}"`);
    return c.body(Readable.toWeb(stream) as ReadableStream<Uint8Array>);
  });
};
