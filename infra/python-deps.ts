import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pipInstallWithProgress } from './pip-progress.ts';
import { projectRoot } from './project-root.ts';

export class PythonDepsError extends Error {
  constructor(readonly requirements: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PythonDepsError';
  }
}

/** Where the Python packages of the example DAGs live: the project's own folder, not the system. */
export function pythonDepsDir(): string {
  return path.join(projectRoot(), '.weir', 'python');
}

/**
 * Installs a requirements file into `.weir/python` once (keyed by the file's hash) and returns
 * the folder to put on PYTHONPATH. Training scripts then import scikit-learn from there.
 */
export async function ensurePythonDeps(requirementsFile: string, log: (line: string) => void = () => {}): Promise<string> {
  const target = pythonDepsDir();
  const requirements = await readFile(requirementsFile, 'utf8').catch((error: unknown) => {
    throw new PythonDepsError(requirementsFile, `cannot read ${requirementsFile}: ${(error as Error).message}`);
  });
  if (requirements.trim() === '') return target;
  const hash = createHash('sha256').update(requirements).digest('hex');
  const stamp = path.join(target, '.requirements-sha256');
  if ((await readFile(stamp, 'utf8').catch(() => '')) === hash) return target;
  log(`installing Python packages from ${path.relative(projectRoot(), requirementsFile)} into ${target} (once)`);
  // Install beside the target and swap it in, so an interrupted install is never half-used.
  const scratch = `${target}.installing`;
  await rm(scratch, { recursive: true, force: true });
  try {
    await pipInstallWithProgress(['--target', scratch, '-r', requirementsFile], log, { what: path.basename(path.dirname(requirementsFile)) + ' Python packages' });
  } catch (error) {
    throw new PythonDepsError(requirementsFile, `pip could not install ${requirementsFile}: ${(error as Error).message}`, { cause: error });
  }
  await writeFile(path.join(scratch, '.requirements-sha256'), hash);
  await rm(target, { recursive: true, force: true });
  await rename(scratch, target);
  return target;
}

/**
 * Installs the Python packages every DAG folder asks for in a `requirements.txt` (the example
 * pipeline's scikit-learn), so `weir dev` can run their training scripts on a fresh clone.
 */
export async function ensureDagsPythonDeps(dagsDir: string, log: (line: string) => void = () => {}): Promise<string | null> {
  const entries = await readdir(dagsDir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile() && e.name === 'requirements.txt').map((e) => path.join(e.parentPath, e.name)).sort();
  if (files.length === 0) return null;
  if (files.length === 1) return ensurePythonDeps(files[0] as string, log);
  const merged = path.join(projectRoot(), '.weir', 'dags-requirements.txt');
  await writeFile(merged, (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n'));
  return ensurePythonDeps(merged, log);
}

/** The example pipeline's requirements. */
export function exampleRequirements(): string {
  return path.join(projectRoot(), 'dags', 'weekly_retrain', 'requirements.txt');
}
