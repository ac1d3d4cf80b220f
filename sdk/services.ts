import type { Kysely } from 'kysely';
import type { ArtifactStore } from '../artifacts/artifact-store.ts';
import type { Database } from '../db/schema.ts';
import type { Mailer } from '../ops/notify/message.ts';

/**
 * What a worker hands to every task body (`ctx.services`) and callback (second argument): the
 * services built once from its configuration. Nothing here is global, so two workers in one
 * process, or a test, can each give their own. Nothing here ever enters workflow history.
 *
 * @example
 * .task('train', async (ctx) => ({ modelUri: await ctx.services.artifacts.write(`runs/${ctx.run.runId}/model.bin`, bytes) }))
 */
export interface WeirServices {
  db: Kysely<Database>;
  artifacts: ArtifactStore;
  /** A mailer for one send (SMTP_URL, or the dev outbox); close it after use. */
  openMailer(): Mailer;
  /** The worker's own log: one line per call. */
  log(line: string): void;
  /** Base URL of the Temporal Web UI, for links in messages. */
  temporalUiUrl: string;
  namespace: string;
  /** Folders operators may read data files from: the local artifact root and `WEIR_DATA_ROOTS` (default the working folder), resolved. */
  dataRoots: readonly string[];
  /** The code's commit (`WEIR_GIT_COMMIT`) recorded in model lineage, or null. */
  gitCommit: string | null;
  /**
   * The environment the worker runs with, where the secrets a task declares (`secretEnv`) are
   * read. Weir's own settings come parsed and checked in the fields above, never from here.
   */
  env: Readonly<Record<string, string | undefined>>;
}
