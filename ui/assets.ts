import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Hono } from 'hono';
import type { UiEnv } from './security.ts';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** ui/assets beside this module: the sources in the repository, dist/ui/assets in the package. */
export const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

/** Serves the files of ui/assets under /assets/, read once when the app is made. */
export function registerAssets(app: Hono<UiEnv>, dir = ASSETS_DIR): void {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (type) files.set(name, { body: readFileSync(path.join(dir, name)), type });
  }
  app.get('/assets/:name', (c) => {
    const file = files.get(c.req.param('name'));
    if (!file) return c.text('no such asset', 404);
    return c.body(new Uint8Array(file.body), 200, { 'Content-Type': file.type, 'Cache-Control': 'no-cache' });
  });
}
