import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ChildRequest, EvaluatedDagModule } from './load-protocol.ts';

/** How long one DAG file may take to import, and how much heap the loading process may use. */
export interface DagLoadLimits {
  /** Per file, from the end of the previous one. Default 30 s (WEIR_DAG_LOAD_TIMEOUT_MS). */
  fileTimeoutMs: number;
  /** V8 heap limit of the loading process, in MB. Default 1024. */
  memoryLimitMb: number;
}

export const DEFAULT_DAG_LOAD_LIMITS: DagLoadLimits = { fileTimeoutMs: 30_000, memoryLimitMb: 1024 };

export type EvaluatedModule = EvaluatedDagModule;

const TIMED_OUT = 'timed out after';

/** The child's own source sits beside this file: `.ts` in the repository, `.js` once compiled. */
const CHILD_SCRIPT = fileURLToPath(new URL(`./load-child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

/**
 * Runs the compiled modules' code in child processes, one file after another, and returns what
 * each defines. A file that hangs past the time limit, exits the process, crashes it or runs it
 * out of memory is reported with that reason; the child is replaced and the files after it go on.
 */
export async function evaluateModulesIsolated(
  modules: ChildRequest['modules'],
  cwd: string,
  limits: DagLoadLimits = DEFAULT_DAG_LOAD_LIMITS,
  options: { tryTogether?: boolean } = {},
): Promise<EvaluatedModule[]> {
  if (modules.length === 0) return [];
  // Fast pass: every module at once. Only if that process dies or overruns is each file timed alone.
  if (options.tryTogether !== false) {
    const together = await evaluateModulesTogether(modules, cwd, limits);
    if (together) return together;
  }
  const results: EvaluatedModule[] = [];
  while (results.length < modules.length) {
    const start = results.length;
    const batch = modules.slice(start);
    const outcome = await startLoadingProcess(cwd, limits).evaluate(batch, false, (result) => results.push(result));
    if (outcome && results.length < modules.length) {
      // The module in progress when the child died is the offender; the next child starts after it.
      const offender = modules[results.length] as ChildRequest['modules'][number];
      const timedOut = outcome.startsWith(TIMED_OUT);
      results.push({ problems: [{ file: offender.name, message: outcome }], ...(timedOut ? { timedOutAfterMs: limits.fileTimeoutMs } : {}) });
    }
  }
  return results;
}

/**
 * Every module in one child process at once, under one time limit for the whole batch: the
 * results in order, or null when the process died or overran (nothing then says which file).
 * `started` is a loading process started earlier (see startLoadingProcess), so that its start-up
 * overlapped the compile; without it one is started here.
 */
export async function evaluateModulesTogether(
  modules: ChildRequest['modules'],
  cwd: string,
  limits: DagLoadLimits = DEFAULT_DAG_LOAD_LIMITS,
  started?: LoadingProcess,
): Promise<EvaluatedModule[] | null> {
  if (modules.length === 0) {
    started?.stop();
    return [];
  }
  const together: EvaluatedModule[] = [];
  const outcome = await (started ?? startLoadingProcess(cwd, limits)).evaluate(modules, true, (result) => together.push(result));
  return outcome === null && together.length === modules.length ? together : null;
}

/** A loading process, started and waiting for its one batch of modules. */
export interface LoadingProcess {
  /** Resolves with null when every module reported, or with why the process stopped early. */
  evaluate(batch: ChildRequest['modules'], together: boolean, onResult: (result: EvaluatedModule) => void): Promise<string | null>;
  /** Ends it (and what it started) without a batch: the compile it waited for failed. */
  stop(): void;
}

/**
 * Starts a loading process at once: Node, its loader and Weir's checks load while the caller
 * compiles the modules it will be given. Nothing of the DAG files runs before `evaluate`, and the
 * time limit starts only then.
 */
export function startLoadingProcess(cwd: string, limits: DagLoadLimits = DEFAULT_DAG_LOAD_LIMITS): LoadingProcess {
  const execArgv = [...loaderArgs(), `--max-old-space-size=${limits.memoryLimitMb}`];
  // A process group of its own, so that whatever a DAG file started at import ends with it.
  const child: ChildProcess = fork(CHILD_SCRIPT, [], { cwd, execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', detached: true });
  let stderrTail = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-8192);
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  // Settles once: ready, or why it never got there.
  const ready = new Promise<'ready' | { error: Error }>((resolve) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== 'ready') return;
      child.off('message', onMessage);
      resolve('ready');
    };
    child.on('message', onMessage);
    child.once('error', (error) => resolve({ error }));
    child.once('exit', () => resolve({ error: new Error('exited') }));
  });
  let used = false;
  return {
    stop: () => killGroup(child),
    evaluate: async (batch, together, onResult) => {
      if (used) throw new Error('a loading process evaluates one batch');
      used = true;
      const state = await ready;
      // Gone before it was given anything: nothing of the DAG files ran, so none is to blame.
      if (state !== 'ready' || exited) {
        killGroup(child);
        if (exited) throw new DagLoadProcessError(exited.code, exited.signal, stderrTail);
        throw new DagLoadProcessError(null, null, state === 'ready' ? '' : state.error.message);
      }
      return new Promise<string | null>((resolve, reject) => {
        let reported = 0;
        let settled = false;
        let timer: NodeJS.Timeout | undefined;
        const finish = (reason: string | null) => {
          if (settled) return;
          settled = true;
          if (timer) clearTimeout(timer);
          killGroup(child);
          resolve(reason);
        };
        const armTimer = () => {
          if (timer) clearTimeout(timer);
          timer = setTimeout(() => finish(`${TIMED_OUT} ${formatSeconds(limits.fileTimeoutMs)} while it was imported`), limits.fileTimeoutMs);
        };
        child.once('error', (error) => {
          if (settled) return;
          settled = true;
          if (timer) clearTimeout(timer);
          killGroup(child);
          reject(new DagLoadProcessError(null, null, error.message));
        });
        child.on('message', (message: ChildMessage) => {
          if (message.type === 'ready') return;
          if (message.type === 'batch') {
            const results = JSON.parse(message.resultsJson) as EvaluatedModule[];
            for (const result of results) onResult(result);
            reported = results.length;
            return finish(null);
          }
          const { type: _type, index: _index, ...result } = message;
          onResult(result);
          reported += 1;
          if (reported === batch.length) finish(null);
          else armTimer();
        });
        child.once('exit', (code, signal) => {
          if (reported === batch.length) return finish(null);
          if (/heap out of memory|Reached heap limit/i.test(stderrTail)) return finish(`ran out of memory (heap limit ${limits.memoryLimitMb} MB) while it was imported`);
          if (signal) return finish(`crashed the loading process (signal ${signal}) while it was imported`);
          finish(`exited with code ${code ?? '?'} while it was imported`);
        });
        armTimer();
        child.send({ modules: batch, together } satisfies ChildRequest);
      });
    },
  };
}

/**
 * Ends the loading process and every process a DAG file started from it (a `spawn` at import
 * would otherwise outlive the command), unless one left the group on purpose.
 */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

/**
 * Under tsx (this repository) the child needs it too to run its own TypeScript, and the
 * `weir-source` condition so the DAG files' `import 'weir'` reaches the same sources as the
 * checks it runs; compiled, it needs nothing.
 */
function loaderArgs(): string[] {
  if (!CHILD_SCRIPT.endsWith('.ts')) return [];
  return ['--conditions=weir-source', '--import', import.meta.resolve('tsx/esm')];
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** The loading process itself did not start: nothing of the DAG files ran, so none is to blame. */
export class DagLoadProcessError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly signal: string | null,
    readonly stderr: string,
  ) {
    const last = stderr.trim().split('\n').at(-1) ?? '';
    super(`the DAG loading process did not start (${signal ?? `exit code ${exitCode ?? '?'}`})${last ? `: ${last}` : ''}`);
    this.name = 'DagLoadProcessError';
  }
}
