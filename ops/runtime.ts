import type { Kysely } from 'kysely';
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import type { Database } from '../db/schema.ts';

/**
 * The services operators use inside task bodies. The worker provides them once at start-up;
 * tests provide their own. Nothing here ever enters workflow history.
 */
export interface OperatorRuntime {
  db: Kysely<Database>;
  artifacts: ArtifactStore;
  /** Base URL of the Temporal Web UI, for links in messages. */
  temporalUiUrl: string;
  namespace: string;
  env: Record<string, string | undefined>;
}

let current: OperatorRuntime | undefined;

export function setOperatorRuntime(runtime: OperatorRuntime | undefined): void {
  current = runtime;
}

export class OperatorRuntimeMissingError extends Error {
  constructor() {
    super('Weir operators need a worker runtime (database, artifact store); run them inside a Weir worker, or call setOperatorRuntime() in tests');
    this.name = 'OperatorRuntimeMissingError';
  }
}

export function operatorRuntime(): OperatorRuntime {
  if (!current) throw new OperatorRuntimeMissingError();
  return current;
}

/** Link to a run in the Temporal Web UI. */
export function runUrl(runtime: Pick<OperatorRuntime, 'temporalUiUrl' | 'namespace'>, runId: string): string {
  return `${runtime.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(runtime.namespace)}/workflows/${encodeURIComponent(runId)}`;
}

export type { ArtifactStore };
