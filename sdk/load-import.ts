import { pathToFileURL } from 'node:url';
import { BUNDLE_LOADERS_EXPORT } from './load-bundle-export.ts';
import type { DagModuleRef } from './load-protocol.ts';

/** A DAG file's module namespace, from its own compiled module or from its loader in a bundle. */
export async function importDagModule(ref: Pick<DagModuleRef, 'modulePath' | 'loaderIndex'>): Promise<Record<string, unknown>> {
  const module = (await import(pathToFileURL(ref.modulePath).href)) as Record<string, unknown>;
  if (ref.loaderIndex === undefined) return module;
  const loader = (module[BUNDLE_LOADERS_EXPORT] as (() => Promise<Record<string, unknown>>)[] | undefined)?.[ref.loaderIndex];
  if (!loader) throw new Error(`the compiled bundle ${ref.modulePath} has no module ${ref.loaderIndex}`);
  return loader();
}
