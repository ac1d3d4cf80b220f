// Part of `npm run build`: the web view's hand-written client files go beside the compiled
// server code (dist/ui/assets), which is where ui/assets.ts looks for them in the package.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('./assets/', import.meta.url));
const target = fileURLToPath(new URL('../dist/ui/assets/', import.meta.url));
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true });
