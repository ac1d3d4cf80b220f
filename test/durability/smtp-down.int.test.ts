import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import { closedPort, startTestSmtpServer, type TestSmtpServer } from '../../ops/notify/smtp-test-server.ts';
import { CALLBACK_ACTIVITY } from '../../plan/types.ts';
import { productionVersion } from '../../registry/index.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';

const DAGS = fileURLToPath(new URL('../dags-durability/', import.meta.url));
const SMTP_USER = 'weir';
const SMTP_PASSWORD = 'smtp-outage-secret-51c2';

async function until<T>(probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, what: string, tries = 1200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface PendingAttempt {
  attempt: number;
  lastFailure: string;
}

async function pendingAttempt(client: Client, runId: string, activityType: string): Promise<PendingAttempt | null> {
  const description = await client.workflow.getHandle(runId).describe();
  const pending = description.raw.pendingActivities?.find((activity) => activity.activityType?.name === activityType);
  if (!pending) return null;
  return { attempt: pending.attempt ?? 0, lastFailure: pending.lastFailure?.message ?? '' };
}

/**
 * Makes the real test SMTP server answer on `port`, the one SMTP_URL named while nothing
 * listened there: every connection is piped through to it, byte for byte.
 */
async function serveSmtpOn(port: number, smtp: TestSmtpServer): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(smtp.port, smtp.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  server.once('close', () => {
    for (const socket of sockets) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

describe('the SMTP server is down when a run sends mail', () => {
  let weir: TestWorker;
  let smtp: TestSmtpServer | undefined;
  let listener: Server | undefined;
  let artifactRoot: string;
  let port: number;
  const saved = { SMTP_URL: process.env.SMTP_URL, WEIR_ARTIFACT_ROOT: process.env.WEIR_ARTIFACT_ROOT };

  beforeAll(async () => {
    port = await closedPort();
    artifactRoot = await mkdtemp(path.join(os.tmpdir(), 'weir-smtp-down-'));
    process.env.SMTP_URL = `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`;
    process.env.WEIR_ARTIFACT_ROOT = artifactRoot;
    weir = await startTestWorker({ dagsDir: DAGS });
  });

  afterAll(async () => {
    await weir?.shutdown();
    if (listener) await new Promise((resolve) => listener?.close(resolve));
    await smtp?.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    if (artifactRoot) await rm(artifactRoot, { recursive: true, force: true });
  });

  it('the email task and a callback retry until SMTP is back, then deliver; the promotion is unaffected', async () => {
    const model = `mail_outage_${randomUUID().slice(0, 8)}`;
    const runId = await triggerRun(weir.client, { dagId: 'mail_outage', params: { model }, taskQueue: weir.taskQueue });

    // Both the report task and the promotion callback have failed against the closed port.
    const report = await until(async () => {
      const pending = await pendingAttempt(weir.client, runId, 'mail_outage.report');
      return pending !== null && pending.attempt >= 2 ? pending : null;
    }, 'the report task to fail against the closed SMTP port');
    expect(report.lastFailure).toContain(`127.0.0.1:${port}`);
    expect(report.lastFailure).not.toContain(SMTP_PASSWORD);
    const callback = await until(async () => {
      const pending = await pendingAttempt(weir.client, runId, CALLBACK_ACTIVITY);
      return pending !== null && pending.attempt >= 2 ? pending : null;
    }, 'the promotion callback to fail against the closed SMTP port');
    expect(callback.lastFailure).toContain(`127.0.0.1:${port}`);
    // The promotion itself was committed before its announcement failed.
    const promoted = await productionVersion(weir.db, model);
    expect(promoted?.version).toBe(1);

    smtp = await startTestSmtpServer({ user: SMTP_USER, password: SMTP_PASSWORD });
    listener = await serveSmtpOn(port, smtp);

    const done = await waitForRun(weir.client, runId);
    // The run closes only after its callbacks were delivered.
    await weir.client.workflow.getHandle(runId).result();
    expect(done.status).toBe('success');
    const tasks = Object.fromEntries(done.tasks.map((task) => [task.id, task]));
    expect(tasks.train).toMatchObject({ state: 'success', attempts: 1 });
    expect(tasks.register).toMatchObject({ state: 'success', attempts: 1 });
    expect(tasks.promote).toMatchObject({ state: 'success', attempts: 1 });
    expect(tasks.report?.state).toBe('success');
    expect(tasks.report?.attempts).toBeGreaterThan(1);
    expect((await productionVersion(weir.db, model))?.version).toBe(promoted?.version);

    const ofThisRun = smtp.received.filter((received) => received.raw.includes(runId));
    const events = ofThisRun.map((received) => String(received.mail.headers.get('x-weir-event') ?? 'task'));
    expect(events.sort()).toEqual(['promotion', 'success', 'task']);
    expect(ofThisRun.find((received) => received.mail.subject === `[weir] report for ${model}`)?.rcptTo).toEqual(['ml-team@weir.local']);

    // The callback's completed attempt, as recorded in history, was a retry.
    const history = await weir.client.workflow.getHandle(runId).fetchHistory();
    const historyEvents = history.events ?? [];
    const callbackIds = new Set(
      historyEvents.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === CALLBACK_ACTIVITY).map((event) => String(event.eventId)),
    );
    const callbackAttempts = historyEvents
      .filter((event) => event.activityTaskStartedEventAttributes && callbackIds.has(String(event.activityTaskStartedEventAttributes.scheduledEventId)))
      .map((event) => event.activityTaskStartedEventAttributes?.attempt ?? 0);
    expect(callbackAttempts).toHaveLength(2);
    expect(Math.max(...callbackAttempts)).toBeGreaterThan(1);
    expect(historyEvents.filter((event) => event.activityTaskFailedEventAttributes || event.activityTaskTimedOutEventAttributes)).toEqual([]);
  });
});
