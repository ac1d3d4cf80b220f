import type { Kysely } from 'kysely';
import { ArtifactStore } from '../artifacts/store.ts';
import type { Database } from '../db/schema.ts';
import type { WeirServices } from '../sdk/services.ts';
import { createMailer } from './notify/mailer.ts';

/**
 * Services for calling operator bodies directly in tests, as a worker would hand them over.
 * Not part of the public API. A service a test does not give throws when it is used.
 */
export function testServices(given: Partial<WeirServices> = {}): WeirServices {
  const env = given.env ?? {};
  const missing = (name: string) => () => {
    throw new Error(`this test gave no ${name} service`);
  };
  return {
    db: given.db ?? (new Proxy({}, { get: missing('database') }) as Kysely<Database>),
    artifacts: given.artifacts ?? new ArtifactStore('/nonexistent/weir-test-artifacts'),
    openMailer: given.openMailer ?? (() => createMailer(env)),
    log: given.log ?? (() => {}),
    temporalUiUrl: given.temporalUiUrl ?? 'http://localhost:8233',
    namespace: given.namespace ?? 'default',
    env,
  };
}
