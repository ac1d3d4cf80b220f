// Apart from the bundler, so the processes that import bundles never import esbuild.

/** The export of a DAG bundle: one loader per DAG file, each resolving to that file's module namespace. */
export const BUNDLE_LOADERS_EXPORT = 'loaders';
