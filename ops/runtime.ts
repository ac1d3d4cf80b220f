import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import type { WeirServices } from '../sdk/services.ts';

/** The services operators use; the worker builds them and hands them over in `ctx.services`. */
export type OperatorRuntime = WeirServices;

export class OperatorRuntimeMissingError extends Error {
  constructor() {
    super('Weir operators need the worker services (database, artifact store, mailer); run them inside a Weir worker, or give ctx.services in tests');
    this.name = 'OperatorRuntimeMissingError';
  }
}

/** The services a task or callback received; a clear error when a caller built its context by hand without them. */
export function requireServices<S extends Partial<WeirServices>>(services: S | undefined): S {
  if (!services) throw new OperatorRuntimeMissingError();
  return services;
}

/** Link to a run in the Temporal Web UI. */
export function runUrl(runtime: Pick<OperatorRuntime, 'temporalUiUrl' | 'namespace'>, runId: string): string {
  return `${runtime.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(runtime.namespace)}/workflows/${encodeURIComponent(runId)}`;
}

export type { ArtifactStore };
