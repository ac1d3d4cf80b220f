import type { Kysely } from 'kysely';
import { ArtifactStore } from '../artifacts/store.ts';
import type { Database } from '../db/schema.ts';
import type { WeirServices } from '../sdk/services.ts';
import { parseWeirEnv } from '../worker/config/schema.ts';
import { resolveDataRoots } from './data-validation/data-roots.ts';
import { mailConfigOf } from './notify/config.ts';
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
  // The parsed settings come from the given environment, as the worker's come from its own.
  const weir = parseWeirEnv(env);
  const artifacts = given.artifacts ?? new ArtifactStore('/nonexistent/weir-test-artifacts');
  return {
    db: given.db ?? (new Proxy({}, { get: missing('database') }) as Kysely<Database>),
    artifacts,
    openMailer: given.openMailer ?? (() => createMailer(mailConfigOf({ smtpUrl: weir.SMTP_URL, from: weir.WEIR_MAIL_FROM, outboxDir: weir.WEIR_OUTBOX_DIR }))),
    log: given.log ?? (() => {}),
    temporalUiUrl: given.temporalUiUrl ?? 'http://localhost:8233',
    namespace: given.namespace ?? 'default',
    dataRoots: given.dataRoots ?? resolveDataRoots(weir.WEIR_DATA_ROOTS, artifacts.isLocal ? artifacts.root : undefined),
    gitCommit: given.gitCommit ?? weir.WEIR_GIT_COMMIT ?? null,
    env,
  };
}
