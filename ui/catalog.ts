import type { LoadOptions } from '../sdk/load.ts';
import type { DagCatalogSource, UiDagCatalog } from './deps.ts';

/**
 * A catalog source that loads the DAGs folder at most once per `maxAgeMs`, so the pages show
 * edits to DAG files without each request paying for a load. The loader's content-hash cache
 * makes a reload of unchanged files cheap (no process is started). `loadOptions` carries the
 * per-file load limit (WEIR_DAG_LOAD_TIMEOUT_MS) as the CLI and the worker use it.
 */
export function reloadingCatalog(dagsDir: string, maxAgeMs = 5_000, loadOptions: LoadOptions = {}): DagCatalogSource {
  let current: { at: number; catalog: Promise<UiDagCatalog> } | undefined;
  return () => {
    const now = Date.now();
    if (!current || now - current.at > maxAgeMs) {
      const catalog = import('../sdk/load.ts').then(({ loadDagPlans }) => loadDagPlans(dagsDir, loadOptions));
      // A failed load is not kept: the next request tries again.
      catalog.catch(() => {
        current = undefined;
      });
      current = { at: now, catalog };
    }
    return current.catalog;
  };
}

/** A fixed catalog, for tests and for callers that already hold one. */
export function staticCatalog(catalog: UiDagCatalog): DagCatalogSource {
  return () => Promise.resolve(catalog);
}

/** The DAG's entry, or the load problems of its file when it did not load (for "not found" pages). */
export async function findDag(source: DagCatalogSource, dagId: string) {
  const catalog = await source();
  return { entry: catalog.dags.get(dagId), catalog };
}
