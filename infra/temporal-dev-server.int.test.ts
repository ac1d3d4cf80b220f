import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../plan/types.ts';
import { testStack } from '../test/stack.ts';
import { DEV_SERVER_DYNAMIC_CONFIG, startTemporalDevServer, TemporalDevServerStartError, type TemporalDevServer } from './temporal-dev-server.ts';

const dagIdKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.dagId, SearchAttributeType.KEYWORD);

async function withClient<T>(address: string, use: (client: Client, connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await use(new Client({ connection }), connection);
  } finally {
    await connection.close();
  }
}

describe('the shared test server', () => {
  it('serves gRPC and the Web UI', async () => {
    const { temporalAddress, temporalUiUrl } = testStack();
    const connection = await Connection.connect({ address: temporalAddress });
    try {
      const health = await connection.healthService.check({});
      expect(health.status).toBe(1);
    } finally {
      await connection.close();
    }
    const page = await fetch(temporalUiUrl);
    expect(page.status).toBe(200);
  });
});

describe('startTemporalDevServer', () => {
  let folder: string;
  let server: TemporalDevServer | undefined;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'weir-dev-server-test-'));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('keeps workflows and search attributes across a restart on the same db file', async () => {
    const dbFile = path.join(folder, 'temporal.db');
    const binary = testStack().temporalBin;
    server = await startTemporalDevServer({ binary, dbFile, headless: true, logFile: path.join(folder, 'first.log') });
    expect(server.uiUrl).toBeNull();
    const firstPid = server.pid;
    // The one-shard dev server runs with the transfer queue's read limit lifted (a chain of quick
    // tasks is otherwise held to one per 50 ms; the trigger benchmark shows the difference).
    const commandLine = (await readFile(`/proc/${firstPid}/cmdline`, 'utf8')).split('\0');
    for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) {
      expect(commandLine[commandLine.indexOf(`${key}=${value}`) - 1]).toBe('--dynamic-config-value');
    }

    const workflowId = `durability-${Date.now()}`;
    await withClient(server.address, async (client, connection) => {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(Object.values(SEARCH_ATTRIBUTES)));
      // No worker polls this queue, so the workflow stays open across the restart.
      await client.workflow.start('nobodyServesThis', {
        taskQueue: 'weir-dev-server-test',
        workflowId,
        typedSearchAttributes: [{ key: dagIdKey, value: 'durability_dag' }],
      });
    });

    await server.stop();
    expect(() => process.kill(firstPid, 0)).toThrow();

    // Registering the same search attributes again on the old database must not fail.
    server = await startTemporalDevServer({ binary, dbFile, headless: true, logFile: path.join(folder, 'second.log') });
    await withClient(server.address, async (client) => {
      const description = await client.workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('RUNNING');
      expect(description.typedSearchAttributes.get(dagIdKey)).toBe('durability_dag');

      let found: string[] = [];
      for (let tries = 0; tries < 50 && found.length === 0; tries++) {
        found = [];
        for await (const run of client.workflow.list({ query: `${SEARCH_ATTRIBUTES.dagId} = "durability_dag"` })) {
          found.push(run.workflowId);
        }
        if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(found).toEqual([workflowId]);
      await client.workflow.getHandle(workflowId).terminate('test done');
    });
  });

  it('fails with the server log when the port is taken', async () => {
    const taken = Number(testStack().temporalAddress.split(':').at(-1));
    const attempt = startTemporalDevServer({
      binary: testStack().temporalBin,
      port: taken,
      headless: true,
      startTimeoutMs: 30_000,
      logFile: path.join(folder, 'clash.log'),
    });
    await expect(attempt).rejects.toBeInstanceOf(TemporalDevServerStartError);
    await expect(attempt).rejects.toThrow(/address already in use|exited/i);
  });
});
