import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, rename } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { prebundleWorkflows, WORKFLOWS_ENTRY } from '../worker/workflow-bundle.ts';

/** The folders whose code goes into the interpreter's bundle. */
const BUNDLED_FOLDERS = [path.dirname(WORKFLOWS_ENTRY), path.join(path.dirname(WORKFLOWS_ENTRY), '..', 'plan')];

/**
 * The interpreter's workflow bundle, built once and kept under `cacheDir` by the hash of its
 * source, so a second `weir dags test` starts its worker without webpack (seconds faster).
 */
export async function cachedWorkflowBundle(cacheDir: string): Promise<{ path: string; built: boolean }> {
  const file = path.join(cacheDir, `workflows-${await interpreterSourceHash()}.js`);
  if (existsSync(file)) return { path: file, built: false };
  // Written aside, then renamed: two commands started at once never read a half-written bundle.
  const partial = `${file}.${process.pid}.tmp`;
  await prebundleWorkflows(partial);
  await rename(partial, file);
  return { path: file, built: true };
}

async function interpreterSourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const folder of BUNDLED_FOLDERS) {
    const names = (await readdir(folder)).filter((name) => /\.(ts|js|mjs)$/.test(name) && !name.includes('.test.')).sort();
    for (const name of names) {
      hash.update(name);
      hash.update(await readFile(path.join(folder, name)));
    }
  }
  hash.update(temporalWorkflowVersion());
  return hash.digest('hex').slice(0, 16);
}

/** A new SDK version bundles differently; part of the cache key. */
function temporalWorkflowVersion(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('@temporalio/workflow');
    const manifest = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
