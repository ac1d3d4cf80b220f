import { temporal } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * Every form a secret takes on its way into a message or a payload: as typed, JSON-escaped
 * (payloads are JSON), percent-encoded (URLs) and base64 (basic auth).
 */
export function secretForms(secret: string): string[] {
  // A multi-line secret printed by a job arrives one line at a time: each line is a leak of its own.
  const lines = secret.includes('\n') ? secret.split(/\r?\n/).filter((line) => line.length >= 8) : [];
  return [...new Set([secret, ...lines].flatMap((value) => [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), Buffer.from(value).toString('base64')]))];
}

/** Where in `haystack` any form of any secret occurs, as `form@offset`; empty when none does. */
export function findSecrets(haystack: string | Buffer, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    for (const form of secretForms(secret)) {
      const at = haystack.indexOf(form);
      if (at >= 0) found.push(`${JSON.stringify(form)}@${at}`);
    }
  }
  return found;
}

/**
 * The workflow's history and visibility record as the protobuf bytes Temporal stores. Payloads
 * are raw bytes in them, so a byte search finds a value anywhere: params, activity inputs and
 * results, failures, heartbeat details, memo, search attributes.
 */
export async function rawHistoryBytes(client: Client, workflowId: string): Promise<Buffer> {
  const handle = client.workflow.getHandle(workflowId);
  const history = await handle.fetchHistory();
  const description = await handle.describe();
  return Buffer.concat([
    Buffer.from(temporal.api.history.v1.History.encode(history).finish()),
    Buffer.from(temporal.api.workflow.v1.WorkflowExecutionInfo.encode(description.raw.workflowExecutionInfo ?? {}).finish()),
  ]);
}

/** Every row a run left in Weir's tables, as JSON text. */
export async function postgresRowsOf(db: Kysely<Database>, runId: string): Promise<string> {
  const texts: string[] = [];
  for (const table of ['dag_runs', 'task_runs', 'task_logs'] as const) {
    const result = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(table)} t where run_id = ${runId}`.execute(db);
    texts.push(...result.rows.map((row) => row.row));
  }
  return texts.join('\n');
}
