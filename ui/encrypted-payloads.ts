import type { Kysely } from 'kysely';
import { ENCRYPTED_ENCODING } from '../codec/index.ts';
import type { RunSummary } from '../control/runs.ts';
import { listDagRuns } from '../db/run-records.ts';
import type { Database } from '../db/schema.ts';

/** What the panel says in place of an output or params this server cannot (and must not) read. */
export const ENCRYPTED_PAYLOAD_NOTICE = `encrypted (${ENCRYPTED_ENCODING}): this web server has no payload key; set WEIR_PAYLOAD_KEY where it runs to see the value`;

/**
 * True when reading a run failed because its payloads are encrypted and this process has no
 * codec for them: Temporal's default converter refuses the `binary/encrypted` encoding.
 */
export function isEncryptedPayloadError(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (cause.name === 'ValueError' && cause.message.includes(ENCRYPTED_ENCODING)) return true;
  }
  return false;
}

/**
 * A DAG's recent runs from the run records in Postgres, for when Temporal's listing cannot be
 * read without the key (the SDK decodes every run's memo, which the worker encrypted).
 */
export async function recentRunsFromRecords(db: Kysely<Database>, dagId: string, limit: number): Promise<RunSummary[]> {
  return (await listDagRuns(db, { dagId, limit })).map((run) => ({
    runId: run.runId,
    dagId: run.dagId,
    runType: run.runType,
    status: run.status,
    logicalDate: run.logicalDate,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    durationMs: run.endedAt ? Date.parse(run.endedAt) - Date.parse(run.startedAt) : null,
  }));
}
