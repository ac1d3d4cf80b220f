import { watch, type FSWatcher } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { LiveDagRegistry } from '../activities/dag-registry.ts';
import { syncSchedules } from '../control/schedules.ts';
import { formatProblem } from '../sdk/errors.ts';
import { loadDagFolder, type DagCatalog, type LoadOptions } from '../sdk/load.ts';

export interface DagFolderWatcherOptions {
  dagsDir: string;
  /** How each reload loads the folder (the per-file time limit of WEIR_DAG_LOAD_TIMEOUT_MS). */
  loadOptions?: LoadOptions;
  registry: LiveDagRegistry;
  /** The catalog the worker started with, so the first reload reports only what changed since. */
  initial: DagCatalog;
  /** When given, schedules follow the catalog after each reload. */
  scheduleClient?: Client;
  /** Base URL of Weir's web view (WEIR_WEB_URL), linked from each scheduled run's metadata. */
  webUrl?: string | undefined;
  taskQueue: string;
  log: (line: string) => void;
  /** Quiet time after the last file event before reloading. Default 150 ms. */
  debounceMs?: number;
  /** Called after each reload, for tests and embedding programs. */
  onReload?: (catalog: DagCatalog) => void;
}

export interface DagFolderWatcher {
  close(): void;
}

/**
 * Keeps a running worker's catalog in step with its DAGs folder: an added, edited or deleted
 * file reloads the folder (unchanged files come from the content cache; changed ones run in the
 * isolated loading process), swaps the registry, and syncs schedules. It prints one line per
 * DAG that changed and each new problem in full. A broken file leaves the other DAGs serving.
 */
export function watchDagFolder(options: DagFolderWatcherOptions): DagFolderWatcher {
  const debounceMs = options.debounceMs ?? 150;
  let previousProblems = new Set(options.initial.problems.map(formatProblem));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const reload = async () => {
    const catalog = await loadDagFolder(options.dagsDir, options.loadOptions);
    if (closed) return;
    const change = options.registry.replace(catalog.dags);
    for (const id of change.added) options.log(`dags: added ${id} (${catalog.dags.get(id)?.plan.file ?? '?'})`);
    for (const id of change.changed) options.log(`dags: changed ${id} (${catalog.dags.get(id)?.plan.file ?? '?'})`);
    for (const id of change.removed) options.log(`dags: removed ${id}`);
    const problems = new Set(catalog.problems.map(formatProblem));
    for (const line of problems) if (!previousProblems.has(line)) options.log(`DAG problem: ${line}`);
    for (const line of previousProblems) if (!problems.has(line)) options.log(`dags: fixed: ${line.split(':')[0]}`);
    previousProblems = problems;
    if (options.scheduleClient) {
      // As at start: while a file is broken, its DAG's schedule (and a person's pause) is kept.
      const result = await syncSchedules(options.scheduleClient, [...catalog.dags.values()].map((d) => d.plan), options.taskQueue, {
        deleteOrphans: catalog.problems.length === 0,
        webUrl: options.webUrl,
      });
      const touched = [...result.created.map((id) => `created ${id}`), ...result.updated.map((id) => `updated ${id}`), ...result.deleted.map((id) => `deleted ${id}`)];
      if (touched.length > 0) options.log(`schedules: ${touched.join(', ')}`);
    }
    options.onReload?.(catalog);
  };

  const runReloads = async () => {
    do {
      again = false;
      await reload().catch((error: unknown) => options.log(`dags: reload failed, the previous catalog stays: ${(error as Error).message}`));
    } while (again && !closed);
    running = undefined;
  };

  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (running) again = true;
      else running = runReloads();
    }, debounceMs);
    timer.unref();
  };

  // Not persistent: the watcher never keeps a stopping worker's process alive.
  const watcher: FSWatcher = watch(options.dagsDir, { recursive: true, persistent: false }, (_event, name) => {
    if (name && String(name).split(/[\\/]/).includes('node_modules')) return;
    schedule();
  });
  watcher.on('error', (error) => options.log(`dags: watching ${options.dagsDir} stopped: ${error.message}`));

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
