import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * The interpreter's entry module: the only workflow code Weir has. Beside this module's own
 * extension, so the compiled package (dist/, `.js`) bundles dist/workflows and the sources
 * (vitest, tsx) bundle workflows/.
 */
export const WORKFLOWS_ENTRY = fileURLToPath(new URL(`../workflows/index${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** Bundles the interpreter once so workers start without webpack (cold start, tests, replay). */
export async function prebundleWorkflows(outFile: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_ENTRY, logger: quietBundlerLogger });
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
  return outFile;
}

/** Worker.create options for the workflow code: a prebuilt bundle when given, else bundle now. */
export function workflowSource(bundlePath?: string) {
  if (bundlePath && existsSync(bundlePath)) return { workflowBundle: { codePath: bundlePath } };
  return { workflowsPath: WORKFLOWS_ENTRY };
}

const silent = () => {};
const quietBundlerLogger = { trace: silent, debug: silent, info: silent, log: silent, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
