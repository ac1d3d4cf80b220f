import { execFile } from 'node:child_process';
import { readdir, readFile, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BUILD_INFO = path.join(REPO, 'dist', '.tsbuildinfo');

/**
 * Integration tests run the real `weir` command, bin/weir.mjs, which runs the compiled dist/.
 * Rebuild it (tsc, incremental) when a source is newer than the last build, so a test never
 * exercises stale JavaScript.
 */
export default async function setup(): Promise<void> {
  const built = await stat(BUILD_INFO).then((info) => info.mtimeMs, () => 0);
  if (built > 0 && (await newestSource()) <= built) return;
  process.stderr.write('[weir test setup] sources changed since the last build: npm run build\n');
  await promisify(execFile)(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(REPO, 'tsconfig.build.json')], { cwd: REPO });
  await promisify(execFile)(process.execPath, [path.join(REPO, 'ui', 'copy-assets.mjs')], { cwd: REPO });
  await promisify(execFile)(process.execPath, [path.join(REPO, 'cli', 'lean-start', 'write-start-schema.mjs')], { cwd: REPO });
  // tsc leaves its build info alone when no emitted file changed (an edited test, say).
  const now = new Date();
  await utimes(BUILD_INFO, now, now);
}

async function newestSource(): Promise<number> {
  let newest = (await stat(path.join(REPO, 'tsconfig.build.json'))).mtimeMs;
  const config = JSON.parse(await readFile(path.join(REPO, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
  for (const folder of config.include) {
    const entries = await readdir(path.join(REPO, folder), { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
      newest = Math.max(newest, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs);
    }
  }
  return newest;
}
