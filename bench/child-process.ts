import { spawn } from 'node:child_process';
import { REPO_ROOT } from './paths.ts';

export interface ChildRun<T> {
  /** Spawn -> exit, as the parent sees it. */
  wallMs: number;
  /** The last line the child printed, parsed as JSON. */
  report: T;
}

/**
 * Runs a TypeScript file in a fresh Node process under tsx, as `bin/weir.mjs` does, and returns
 * the JSON report it prints last on stdout.
 */
export function runTsChild<T>(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ChildRun<T>> {
  return runNodeChild<T>(script, args, { nodeArgs: ['--conditions=weir-source', '--import', 'tsx'], env });
}

/**
 * Runs a script in a fresh Node process (plain Node unless `nodeArgs` say otherwise) and returns
 * the JSON report it prints last on stdout; a non-zero exit rejects with the end of its stderr.
 */
export function runNodeChild<T>(script: string, args: readonly string[], options: { nodeArgs?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ChildRun<T>> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const wallMs = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`${script} exited with ${signal ?? `code ${code}`}\n${stderr.trim().split('\n').slice(-20).join('\n')}`));
        return;
      }
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ wallMs, report: JSON.parse(last) as T });
      } catch {
        reject(new Error(`${script} printed no JSON report; stdout ends with: ${last}`));
      }
    });
  });
}
