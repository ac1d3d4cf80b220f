import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ArtifactStore, operatorRuntime, setOperatorRuntime, type OperatorRuntime } from '../ops/runtime.ts';

/**
 * Gives operators (registry, drift baselines, email) their services while `body` runs, as a
 * worker does, and puts back whatever was there before.
 */
export async function withOperatorServices<T>(services: { db: Kysely<Database>; namespace: string }, body: () => Promise<T>): Promise<T> {
  let previous: OperatorRuntime | undefined;
  try {
    previous = operatorRuntime();
  } catch {
    previous = undefined;
  }
  setOperatorRuntime({
    db: services.db,
    artifacts: ArtifactStore.fromEnv(),
    temporalUiUrl: process.env.WEIR_UI_URL ?? 'http://localhost:8233',
    namespace: services.namespace,
    env: process.env,
  });
  try {
    return await body();
  } finally {
    setOperatorRuntime(previous);
  }
}
