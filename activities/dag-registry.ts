import type { LoadedDag } from '../sdk/load.ts';

/** The DAGs this worker can run, by id. */
export interface DagRegistry {
  get(dagId: string): LoadedDag | undefined;
  ids(): string[];
}

export class DagNotFoundError extends Error {
  readonly dagId: string;
  constructor(dagId: string, known: readonly string[]) {
    super(`This worker has no DAG "${dagId}". Known DAGs: ${known.join(', ') || '(none)'}. Check the workflow type and the worker's DAGs folder.`);
    this.name = 'DagNotFoundError';
    this.dagId = dagId;
  }
}

export class TaskNotFoundError extends Error {
  constructor(readonly dagId: string, readonly taskId: string) {
    super(`DAG ${dagId} has no task "${taskId}" in the worker's current code; the DAG file changed since the run started?`);
    this.name = 'TaskNotFoundError';
  }
}

export function requireDag(registry: DagRegistry, dagId: string): LoadedDag {
  const loaded = registry.get(dagId);
  if (!loaded) throw new DagNotFoundError(dagId, registry.ids());
  return loaded;
}
