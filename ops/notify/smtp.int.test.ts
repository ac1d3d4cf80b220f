import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../artifacts/store.ts';
import { createDb } from '../../db/index.ts';
import { NonRetryableError } from '../../sdk/errors.ts';
import { testServices } from '../test-services.ts';
import { emailOn, notifyOnPromotion } from './callbacks.ts';
import { email } from './email-operator.ts';
import { MailAuthError, MailDeferredError, MailRejectedError, MailServerUnavailableError } from './errors.ts';
import { sendEventEmail, type NotifyRuntime } from './send-event.ts';
import { closedPort, startTestSmtpServer, type TestSmtpServer } from './smtp-test-server.ts';
import { RUN, RUN_LINK, taskContext } from './test-fixtures.ts';

// A password with characters that need URL encoding, so the encoded form is checked too.
const PASSWORD = 'pa$$ w0rd/@secret';
const USER = 'weir-bot';
const smtpUrl = (port: number, password = PASSWORD) => `smtp://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
const runtimeFor = (env: Record<string, string>): NotifyRuntime => testServices({ env });

/** Everything a function handed back or threw goes here, to be scanned for the password. */
const surfaced: unknown[] = [];
const capture = async <T>(work: Promise<T>): Promise<T> => {
  try {
    const value = await work;
    surfaced.push(value);
    return value;
  } catch (error) {
    surfaced.push(error);
    throw error;
  }
};
const failureOf = async (work: Promise<unknown>): Promise<Error> => {
  try {
    await capture(work);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the send to fail');
};

let server: TestSmtpServer;
const db = createDb('postgres://unused@127.0.0.1:1/unused');

beforeAll(async () => {
  server = await startTestSmtpServer({ user: USER, password: PASSWORD, rcptReplies: { 'gone@example.com': 550, 'busy@example.com': 451 } });
});
afterAll(async () => {
  await server.close();
  await db.destroy();
  // The scan: the password, in any form, appears in nothing the functions returned or threw.
  const forms = [PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(PASSWORD).toString('base64'), Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64')];
  expect(surfaced.length).toBeGreaterThan(5);
  for (const item of surfaced) {
    const dumps = [inspect(item, { depth: 20, showHidden: true }), JSON.stringify(item) ?? '', item instanceof Error ? `${item.message}\n${item.stack ?? ''}` : ''];
    for (const form of forms) for (const dump of dumps) expect(dump).not.toContain(form);
  }
});

describe('sendEventEmail over SMTP', () => {
  it('delivers a failure email naming DAG, run and task, with the Temporal UI link', async () => {
    const before = server.received.length;
    const sent = await capture(
      sendEventEmail({ type: 'failure', run: RUN, taskId: 'train', details: { error: 'CUDA out of memory', attempts: 3 } }, ['ml-oncall@example.com', 'lead@example.com'], {
        runtime: runtimeFor({ SMTP_URL: smtpUrl(server.port), WEIR_MAIL_FROM: 'Weir <weir@example.com>' }),
      }),
    );
    expect(sent.accepted).toEqual(['ml-oncall@example.com', 'lead@example.com']);
    expect(sent.via).toBe(`smtp://${USER}@127.0.0.1:${server.port}`);
    expect(server.received).toHaveLength(before + 1);
    const { mail, rcptTo } = server.received.at(-1)!;
    expect(rcptTo).toEqual(['ml-oncall@example.com', 'lead@example.com']);
    expect(mail.messageId).toBe(sent.messageId);
    expect(mail.subject).toBe(`[weir] FAILED churn_retrain.train (run ${RUN.runId})`);
    expect(mail.from?.value).toEqual([{ name: 'Weir', address: 'weir@example.com' }]);
    expect([mail.to].flat().map((address) => address?.text)).toEqual(['ml-oncall@example.com, lead@example.com']);
    expect(mail.text).toContain('DAG:');
    expect(mail.text).toContain('churn_retrain');
    expect(mail.text).toContain(RUN.runId);
    expect(mail.text).toContain('Task:');
    expect(mail.text).toContain('CUDA out of memory');
    expect(mail.text).toContain(RUN_LINK);
    expect(mail.html).toContain(`href="${RUN_LINK}"`);
    expect(mail.headers.get('x-weir-event')).toBe('failure');
    expect(mail.headers.get('x-weir-task')).toBe('train');
    expect(server.logins.at(-1)).toEqual({ method: 'PLAIN', user: USER });
  });

  it('logs in with AUTH LOGIN when that is all the server offers', async () => {
    const loginOnly = await startTestSmtpServer({ user: USER, password: PASSWORD, authMethods: ['LOGIN'] });
    try {
      await capture(
        sendEventEmail({ type: 'drift', run: RUN, details: { columns: ['tenure'], share: 0.5, reportUri: 'file:///tmp/drift.html' } }, 'data@example.com', {
          runtime: runtimeFor({ SMTP_URL: smtpUrl(loginOnly.port) }),
        }),
      );
      expect(loginOnly.logins).toEqual([{ method: 'LOGIN', user: USER }]);
      expect(loginOnly.received[0]?.mail.subject).toBe('[weir] Drift detected in churn_retrain: 1 column (50%)');
      expect(loginOnly.received[0]?.mail.text).toContain('file:///tmp/drift.html');
    } finally {
      await loginOnly.close();
    }
  });

  it('refuses a wrong password without retries and without showing it', async () => {
    const error = await failureOf(sendEventEmail({ type: 'success', run: RUN, details: {} }, 'a@example.com', { runtime: runtimeFor({ SMTP_URL: smtpUrl(server.port, 'wrong-pw') }) }));
    expect(error).toBeInstanceOf(MailAuthError);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(error.message).toContain(`127.0.0.1:${server.port}`);
    expect(error.message).not.toContain('wrong-pw');
  });

  it('fails a permanent recipient refusal for good and a temporary one retryably', async () => {
    const runtime = runtimeFor({ SMTP_URL: smtpUrl(server.port) });
    const gone = await failureOf(sendEventEmail({ type: 'success', run: RUN, details: {} }, 'gone@example.com', { runtime }));
    expect(gone).toBeInstanceOf(MailRejectedError);
    expect(gone).toMatchObject({ responseCode: 550 });
    const busy = await failureOf(sendEventEmail({ type: 'success', run: RUN, details: {} }, 'busy@example.com', { runtime }));
    expect(busy).toBeInstanceOf(MailDeferredError);
    expect(busy).not.toBeInstanceOf(NonRetryableError);
    // One good recipient is enough for the message to go; the refused one is reported.
    const partial = await capture(sendEventEmail({ type: 'success', run: RUN, details: {} }, ['ok@example.com', 'gone@example.com'], { runtime }));
    expect(partial.accepted).toEqual(['ok@example.com']);
    expect(partial.rejected).toEqual(['gone@example.com']);
  });

  it('throws a retryable error naming host:port, not the password, when SMTP is down', async () => {
    const port = await closedPort();
    const error = await failureOf(sendEventEmail({ type: 'success', run: RUN, details: {} }, 'a@example.com', { runtime: runtimeFor({ SMTP_URL: smtpUrl(port) }) }));
    expect(error).toBeInstanceOf(MailServerUnavailableError);
    expect(error).not.toBeInstanceOf(NonRetryableError);
    expect(error.message).toContain(`Cannot reach the SMTP server at 127.0.0.1:${port}`);
    expect(error).toMatchObject({ host: '127.0.0.1', port, code: 'ECONNREFUSED' });
  });
});

describe('email() task body over SMTP', () => {
  const servicesWith = (env: Record<string, string>) => testServices({ db, artifacts: new ArtifactStore('/tmp/weir-notify-unused'), env });

  it('sends with subject and text computed from the context, and returns messageId and accepted', async () => {
    const { ctx, logs } = taskContext('report', undefined, servicesWith({ SMTP_URL: smtpUrl(server.port) }));
    const body = email({ to: ['ml@example.com'], subject: (c) => `Run ${c.run.runId}: ${String(c.params.region)}`, text: (c) => `DAG ${c.run.dagId}, task ${c.taskId}` });
    const output = await capture(body(ctx));
    expect(Object.keys(output).sort()).toEqual(['accepted', 'messageId']);
    expect(output.accepted).toEqual(['ml@example.com']);
    const { mail } = server.received.at(-1)!;
    expect(mail.messageId).toBe(output.messageId);
    expect(mail.subject).toBe(`Run ${RUN.runId}: eu`);
    expect(mail.text?.trim()).toBe('DAG churn_retrain, task report');
    expect(mail.headers.get('x-weir-run')).toBe(RUN.runId);
    surfaced.push(logs);
    expect(logs.join('\n')).toContain(`smtp://${USER}@127.0.0.1:${server.port}`);
  });

  it('throws a retryable error when SMTP is down, so the task retries per its policy', async () => {
    const port = await closedPort();
    const { ctx, logs } = taskContext('report', undefined, servicesWith({ SMTP_URL: smtpUrl(port) }));
    const error = await failureOf(email({ to: 'ml@example.com', subject: 's', text: 't' })(ctx));
    surfaced.push(logs);
    expect(error).toBeInstanceOf(MailServerUnavailableError);
    expect(error).not.toBeInstanceOf(NonRetryableError);
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('lets a cancelled task fail as cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('task cancelled'));
    const { ctx } = taskContext('report', controller.signal, servicesWith({ SMTP_URL: smtpUrl(server.port) }));
    await expect(capture(email({ to: 'ml@example.com', subject: 's', text: 't' })(ctx))).rejects.toThrow('task cancelled');
  });
});

describe('DAG callbacks over SMTP', () => {
  it('emailOn and notifyOn* send through the worker runtime', async () => {
    const services = testServices({ db, artifacts: new ArtifactStore('/tmp/weir-notify-unused'), env: { SMTP_URL: smtpUrl(server.port) } });
    const before = server.received.length;
    const promotion = {
      type: 'promotion',
      run: RUN,
      taskId: 'promote',
      details: { model: 'churn', version: 7, previousVersion: 6, metrics: [{ metric: 'auc', champion: 0.81, challenger: 0.83, higherIsBetter: true }], reasons: ['auc improved'] },
    };
    await capture(notifyOnPromotion({ to: 'ml@example.com' })(promotion, services));
    await capture(emailOn({ to: 'ml@example.com', events: ['failure'] })(promotion, services));
    expect(server.received).toHaveLength(before + 1);
    const { mail } = server.received.at(-1)!;
    expect(mail.subject).toBe('[weir] Promoted churn v7 to production (churn_retrain)');
    expect(mail.text).toMatch(/auc +0\.81 +0\.83 +\+0\.02/);
    expect(mail.text).toContain(RUN_LINK);
  });
});
