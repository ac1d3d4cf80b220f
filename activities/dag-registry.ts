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

/**
 * A registry whose catalog can be swapped while the worker runs (hot reload). A lookup sees one
 * whole catalog, old or new: a run already started keeps the plan recorded in its history, and
 * its next tasks dispatch to the bodies of the current files.
 */
export class LiveDagRegistry implements DagRegistry {
  private current: ReadonlyMap<string, LoadedDag>;

  constructor(dags: ReadonlyMap<string, LoadedDag>) {
    this.current = dags;
  }

  get(dagId: string): LoadedDag | undefined {
    return this.current.get(dagId);
  }

  ids(): string[] {
    return [...this.current.keys()].sort();
  }

  /** Swaps in a new catalog; returns what changed, by DAG id, for one log line each. */
  replace(dags: ReadonlyMap<string, LoadedDag>): DagCatalogChange {
    const before = this.current;
    this.current = dags;
    return diffCatalogs(before, dags);
  }
}

export interface DagCatalogChange {
  added: string[];
  changed: string[];
  removed: string[];
}

/** A DAG changed when its plan did (the compiled plan is what a run pins) or its file's module did. */
export function diffCatalogs(before: ReadonlyMap<string, LoadedDag>, after: ReadonlyMap<string, LoadedDag>): DagCatalogChange {
  const added = [...after.keys()].filter((id) => !before.has(id)).sort();
  const removed = [...before.keys()].filter((id) => !after.has(id)).sort();
  const changed = [...after.keys()]
    .filter((id) => {
      const old = before.get(id);
      const now = after.get(id);
      return old && now && (old.dag !== now.dag || JSON.stringify(old.plan) !== JSON.stringify(now.plan));
    })
    .sort();
  return { added, changed, removed };
}
