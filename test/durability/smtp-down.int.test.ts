import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import { CALLBACK_ACTIVITY } from '../../plan/types.ts';
import { productionVersion } from '../../registry/index.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';
import { pendingAttempt, until } from './polling.ts';
import { privateStack, type PrivateSmtp, type PrivateStack } from './private-stack.ts';

const DAGS = fileURLToPath(new URL('../dags-durability/', import.meta.url));
const SMTP_USER = 'weir';
const SMTP_PASSWORD = 'smtp-outage-secret-51c2';

describe('the SMTP server is down when a run sends mail', () => {
  let stack: PrivateStack;
  let mail: PrivateSmtp;
  let weir: TestWorker;

  beforeAll(async () => {
    stack = await privateStack('weir-smtp-down-');
    mail = await stack.closedSmtp({ user: SMTP_USER, password: SMTP_PASSWORD });
    weir = await startTestWorker({ dagsDir: DAGS });
  });

  afterAll(async () => {
    await weir?.shutdown();
    await stack?.dispose();
  });

  it('the email task and a callback retry until SMTP is back, then deliver; the promotion is unaffected', async () => {
    const model = `mail_outage_${randomUUID().slice(0, 8)}`;
    const runId = await triggerRun(weir.client, { dagId: 'mail_outage', params: { model }, taskQueue: weir.taskQueue });

    // Both the report task and the promotion callback have failed against the closed port.
    const report = await until(async () => {
      const pending = await pendingAttempt(weir.client, runId, 'mail_outage.report');
      return pending !== null && pending.attempt >= 2 ? pending : null;
    }, 'the report task to fail against the closed SMTP port');
    expect(report.lastFailure).toContain(`127.0.0.1:${mail.port}`);
    expect(report.lastFailure).not.toContain(SMTP_PASSWORD);
    const callback = await until(async () => {
      const pending = await pendingAttempt(weir.client, runId, CALLBACK_ACTIVITY);
      return pending !== null && pending.attempt >= 2 ? pending : null;
    }, 'the promotion callback to fail against the closed SMTP port');
    expect(callback.lastFailure).toContain(`127.0.0.1:${mail.port}`);
    // The promotion itself was committed before its announcement failed.
    const promoted = await productionVersion(weir.db, model);
    expect(promoted?.version).toBe(1);

    const smtp = await mail.start();

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
