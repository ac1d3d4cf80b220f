import type { Kysely } from 'kysely';
import { createArtifactStore } from '../artifacts/index.ts';
import { artifactSettingsOf, parseWeirEnv, type Env } from './config/index.ts';
import type { Database } from '../db/schema.ts';
import { resolveDataRoots } from '../ops/data-validation/data-roots.ts';
import { mailConfigOf } from '../ops/notify/config.ts';
import { createMailer } from '../ops/notify/mailer.ts';
import type { WeirServices } from '../sdk/services.ts';

export interface ServiceInputs {
  db: Kysely<Database>;
  namespace: string;
  /** The configuration's source; checked against the schema here. */
  env: Env;
  log?: (line: string) => void;
}

/**
 * Builds the services a worker hands to its tasks and callbacks from its configuration: the
 * artifact store (WEIR_ARTIFACT_ROOT, WEIR_S3_*), the mailer (SMTP_URL or the outbox), UI links
 * (WEIR_UI_URL), the data roots (WEIR_DATA_ROOTS) and the commit (WEIR_GIT_COMMIT). A bad
 * setting fails here, at start, not in the first task that needs it.
 *
 * @example
 * const services = createWeirServices({ db, namespace: 'default', env: process.env });
 */
export function createWeirServices(inputs: ServiceInputs): WeirServices {
  const weir = parseWeirEnv(inputs.env);
  const env = { ...inputs.env };
  // Parsing the mail settings now turns a malformed SMTP_URL into a start-up error.
  const mail = mailConfigOf({ smtpUrl: weir.SMTP_URL, from: weir.WEIR_MAIL_FROM, outboxDir: weir.WEIR_OUTBOX_DIR });
  const artifacts = createArtifactStore(artifactSettingsOf(weir));
  return {
    db: inputs.db,
    artifacts,
    openMailer: () => createMailer(mail),
    log: inputs.log ?? ((line) => console.log(line)),
    temporalUiUrl: weir.WEIR_UI_URL ?? 'http://localhost:8233',
    namespace: inputs.namespace,
    dataRoots: resolveDataRoots(weir.WEIR_DATA_ROOTS, artifacts.isLocal ? artifacts.root : undefined),
    gitCommit: weir.WEIR_GIT_COMMIT ?? null,
    env,
  };
}
