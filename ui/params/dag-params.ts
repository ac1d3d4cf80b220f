import type { Dag } from '../../sdk/dag.ts';
import type { UiDagEntry } from '../deps.ts';

/** Thrown when the DAG's module cannot be imported in the server process for the params check. */
export class DagModuleUnavailableError extends Error {
  constructor(readonly dagId: string, reason: string) {
    super(`cannot check params of DAG ${dagId}: ${reason}`);
    this.name = 'DagModuleUnavailableError';
  }
}

/**
 * The DAG object of a catalog entry, for its params schema and `validateParams`: imported from the
 * compiled module the isolated loader proved (as `weir trigger` does), never from the file as it
 * is now. Entries from `loadDagPlans` carry that module's path.
 */
export async function importCatalogDag(entry: UiDagEntry): Promise<Dag<unknown, Record<string, unknown>>> {
  if (entry.modulePath === undefined) throw new DagModuleUnavailableError(entry.plan.dagId, 'the catalog has no proven module for it');
  const { importProvenDag } = await import('../../sdk/load.ts');
  // A bundle of many DAG files holds this one's module behind its loader index.
  const loaderIndex = entry.loaderIndex === undefined ? {} : { loaderIndex: entry.loaderIndex };
  const loaded = await importProvenDag({ plan: entry.plan, file: entry.file, modulePath: entry.modulePath, ...loaderIndex });
  if ('problem' in loaded) throw new DagModuleUnavailableError(entry.plan.dagId, loaded.problem.message);
  return loaded.dag;
}
