import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { WeirServices } from '../sdk/services.ts';
import { createWeirServices } from '../worker/services.ts';

/**
 * The services a worker would hand to task bodies and callbacks, for a test run: the given
 * database, and the artifact store, mailer and UI links of this process's configuration.
 */
export function testServices(inputs: { db: Kysely<Database>; namespace: string }): WeirServices {
  return createWeirServices({ db: inputs.db, namespace: inputs.namespace, env: process.env, log: (line) => process.stderr.write(`${line}\n`) });
}
