import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter, Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../activities/index.ts';
import { triggerRun } from '../control/runs.ts';
import { createDb } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { TASK_OUTPUTS_QUERY, type RunSnapshot } from '../plan/types.ts';
import { loadDagFolder } from '../sdk/load.ts';
import { TEST_DAGS_DIR } from '../test/harness.ts';
import { testStack } from '../test/stack.ts';
import { registryOf } from '../worker/create-worker.ts';
import { createWeirServices } from '../worker/services.ts';
import { connectClient } from '../worker/temporal-connection.ts';
import { ENCRYPTED_ENCODING, type AesGcmCodec } from './aes-gcm-codec.ts';
import { startCodecServer, type CodecServer } from './codec-server.ts';
import { dataConverterFromEnv } from './data-converter.ts';
import { payloadsFromJson, payloadsToJson } from './payload-json.ts';

const SECRET = `sk-live-${randomUUID()}`;
const env = { WEIR_PAYLOAD_KEY: randomBytes(32).toString('base64'), WEIR_PAYLOAD_KEY_ID: 'int-test' };
const taskQueue = `codec-${randomUUID().slice(0, 8)}`;

let dataConverter: DataConverter;
let workerConnection: NativeConnection;
let plainConnection: Connection;
let db: Kysely<Database>;
let worker: Worker;
let running: Promise<void>;
let client: Client;
let plainClient: Client;
let codecServer: CodecServer;

beforeAll(async () => {
  const { temporalAddress, databaseUrl } = testStack();
  dataConverter = dataConverterFromEnv(env)!;
  workerConnection = await NativeConnection.connect({ address: temporalAddress });
  db = createDb(databaseUrl);
  const catalog = await loadDagFolder(TEST_DAGS_DIR);
  // What createWeirWorker will do once it passes dataConverter through.
  worker = await Worker.create({
    connection: workerConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities({ registry: registryOf(catalog), db, services: createWeirServices({ db, namespace: 'default', env: {} }) }),
    dataConverter,
  });
  running = worker.run();
  client = await connectClient({ address: temporalAddress, namespace: 'default' }, env);
  plainConnection = await Connection.connect({ address: temporalAddress });
  plainClient = new Client({ connection: plainConnection, namespace: 'default' });
  codecServer = await startCodecServer({ port: 0, codec: dataConverter.payloadCodecs![0]!, namespaces: ['default'] });
});

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await codecServer?.close();
  await client?.connection.close();
  await plainConnection?.close();
  await workerConnection?.close();
  await db?.destroy();
});

/** Every payload in a history, except search attributes: Temporal must index those, so no codec touches them. */
/**
 * The SDK's own bookkeeping in markers it records (a patch's id, a local activity's sequence
 * number, type and times) is written as plain JSON by the SDK core, outside any codec. It holds
 * no user data, and `sdkBookkeeping` proves it: only these keys may appear there.
 */
const SDK_MARKER_KEYS: Record<string, { detail: string; keys: readonly string[] }> = {
  core_patch: { detail: 'patch-data', keys: ['id', 'deprecated'] },
  core_local_activity: { detail: 'data', keys: ['seq', 'attempt', 'activity_id', 'activity_type', 'complete_time', 'backoff', 'original_schedule_time'] },
};

/** Splits each marker's SDK bookkeeping off the events, leaving every payload that carries data. */
function sdkBookkeeping(events: readonly temporal.api.history.v1.IHistoryEvent[]): { bookkeeping: Payload[]; dataEvents: unknown[] } {
  const bookkeeping: Payload[] = [];
  const dataEvents = events.map((event) => {
    const marker = event.markerRecordedEventAttributes;
    const known = marker ? SDK_MARKER_KEYS[marker.markerName ?? ''] : undefined;
    if (!marker || !known) return event;
    const details = { ...marker.details };
    bookkeeping.push(...(details[known.detail]?.payloads ?? []));
    delete details[known.detail];
    return { ...event, markerRecordedEventAttributes: { ...marker, details } };
  });
  return { bookkeeping, dataEvents };
}

function payloadsOf(value: unknown, found: Payload[] = []): Payload[] {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return found;
  if (Array.isArray(value)) {
    for (const item of value) payloadsOf(item, found);
    return found;
  }
  const record = value as Record<string, unknown>;
  if (record.metadata && typeof record.metadata === 'object' && record.data instanceof Uint8Array) {
    found.push(record as Payload);
    return found;
  }
  for (const [key, child] of Object.entries(record)) if (key !== 'searchAttributes') payloadsOf(child, found);
  return found;
}

describe('payload encryption on a real Temporal server', () => {
  it('runs a DAG whose history holds only ciphertext, readable again with the key', async () => {
    const params = { apiToken: SECRET, region: 'eu-west-1' };
    const runId = await triggerRun(client, { dagId: 'diamond', params, taskQueue });
    const snapshot = (await client.workflow.getHandle(runId).result()) as RunSnapshot;
    expect(snapshot.status).toBe('success');
    expect(snapshot.params).toEqual(params);
    expect(snapshot.tasks.map((task) => task.state)).toEqual(['success', 'success', 'success', 'success']);
    // A query result goes through the codec too.
    const outputs = await client.workflow.getHandle(runId).query<Record<string, unknown>>(TASK_OUTPUTS_QUERY);
    expect(outputs).toMatchObject({ start: { value: 2 }, left: 20, right: 3, join: { sum: 23 } });

    // What the server stores, read by a client without the key.
    const history = await plainClient.workflow.getHandle(runId).fetchHistory();
    const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    for (const plaintext of [SECRET, 'eu-west-1', '"sum":23', '"value":2']) expect(raw.includes(plaintext), plaintext).toBe(false);
    const { bookkeeping, dataEvents } = sdkBookkeeping(history.events ?? []);
    const payloads = payloadsOf(dataEvents);
    expect(payloads.length).toBeGreaterThan(8);
    for (const payload of payloads) expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    // The engine's local activities and their patch leave plain bookkeeping, and nothing else.
    expect(bookkeeping.length).toBeGreaterThan(1);
    const allowedKeys = new Set(Object.values(SDK_MARKER_KEYS).flatMap((marker) => marker.keys));
    for (const payload of bookkeeping) {
      const keys = Object.keys(JSON.parse(Buffer.from(payload.data!).toString()) as Record<string, unknown>);
      expect(keys.filter((key) => !allowedKeys.has(key))).toEqual([]);
    }

    // The search above would find plaintext: decrypting the very same payloads reveals it.
    const codec = dataConverter.payloadCodecs![0] as AesGcmCodec;
    const decrypted = Buffer.concat((await codec.decode(payloads)).map((payload) => Buffer.from(payload.data!)));
    expect(decrypted.includes(SECRET)).toBe(true);
    expect(decrypted.includes('"sum":23')).toBe(true);

    // A client without the key cannot read the result; the codec server can, for the Web UI.
    await expect(plainClient.workflow.getHandle(runId).result()).rejects.toThrow(/binary\/encrypted/);
    const response = await fetch(`${codecServer.url}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: 'http://localhost:8233' },
      body: JSON.stringify(payloadsToJson(payloads)),
    });
    expect(response.status).toBe(200);
    const viaServer = Buffer.concat(payloadsFromJson(await response.json()).map((payload) => Buffer.from(payload.data!)));
    expect(viaServer.includes(SECRET)).toBe(true);

    // The encrypted history still replays against the current bundle, given the codec.
    const replay = await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter }, history, runId);
    expect(replay).toBeUndefined();
  });
});
