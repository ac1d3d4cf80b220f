import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../artifacts/store.ts';
import { createDb } from '../../db/index.ts';
import { testServices } from '../test-services.ts';
import { notifyOnFailure } from './callbacks.ts';
import { email } from './email-operator.ts';
import { OutboxWriteError } from './errors.ts';
import { mailConfigOf } from './config.ts';
import { createMailer } from './mailer.ts';
import { sendEventEmail } from './send-event.ts';
import { RUN, RUN_LINK, taskContext } from './test-fixtures.ts';

let workDir: string;
const db = createDb('postgres://unused@127.0.0.1:1/unused');

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'weir-outbox-'));
});
afterAll(async () => {
  await db.destroy();
  await rm(workDir, { recursive: true, force: true });
});

const emlFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.eml')).sort();

describe('outbox mode (no SMTP_URL)', () => {
  it('writes each event email as a parseable .eml file', async () => {
    const dir = path.join(workDir, 'events');
    const runtime = testServices({ env: { WEIR_OUTBOX_DIR: dir } });
    const sent = await sendEventEmail({ type: 'failure', run: RUN, taskId: 'train', details: { error: 'boom' } }, ['ml@example.com'], { runtime });
    await sendEventEmail({ type: 'rejection', run: RUN, taskId: 'evaluate', details: { model: 'churn', version: 8, reasons: ['auc too low'] } }, 'ml@example.com', { runtime });

    const files = await emlFiles(dir);
    expect(files).toHaveLength(2);
    expect(sent.file).toBe(path.join(dir, files[0] ?? ''));
    expect(sent).toMatchObject({ accepted: ['ml@example.com'], rejected: [], via: `outbox ${dir}` });
    const raw = await readFile(sent.file ?? '', 'utf8');
    expect(raw).toContain('\r\n');
    const mail = await simpleParser(raw);
    expect(mail.messageId).toBe(sent.messageId);
    expect(mail.from?.value).toEqual([{ name: '', address: 'weir@localhost' }]);
    expect(mail.subject).toBe(`[weir] FAILED churn_retrain.train (run ${RUN.runId})`);
    expect(mail.text).toContain('boom');
    expect(mail.text).toContain(RUN_LINK);
    expect(mail.html).toContain(`href="${RUN_LINK}"`);
    const second = await simpleParser(await readFile(path.join(dir, files[1] ?? ''), 'utf8'));
    expect(second.subject).toBe('[weir] Rejected churn v8: production unchanged (churn_retrain)');
    // No half-written files are left behind.
    expect((await readdir(dir)).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('serves the email() task body and DAG callbacks from the worker runtime', async () => {
    const dir = path.join(workDir, 'operator');
    const services = testServices({ db, artifacts: new ArtifactStore(workDir), env: { WEIR_OUTBOX_DIR: dir, WEIR_MAIL_FROM: 'ml-bot@example.com' } });
    const { ctx, logs } = taskContext('report', undefined, services);
    const output = await email({ to: 'ml@example.com', subject: 'Weekly report', text: (c) => `run ${c.run.runId}`, html: '<p>hi</p>' })(ctx);
    expect(output.accepted).toEqual(['ml@example.com']);
    await notifyOnFailure({ to: 'oncall@example.com' })({ type: 'failure', run: RUN, details: { failedTasks: [{ id: 'train', error: 'exit 1' }] } }, services);

    const files = await emlFiles(dir);
    expect(files).toHaveLength(2);
    const mails = await Promise.all(files.map(async (file) => simpleParser(await readFile(path.join(dir, file)))));
    const report = mails.find((mail) => mail.subject === 'Weekly report');
    expect(report?.messageId).toBe(output.messageId);
    expect(report?.from?.value[0]?.address).toBe('ml-bot@example.com');
    expect(report?.text?.trim()).toBe(`run ${RUN.runId}`);
    expect(report?.html).toContain('<p>hi</p>');
    const alert = mails.find((mail) => mail.subject?.startsWith('[weir] FAILED'));
    expect(alert?.text).toContain('exit 1');
    expect(logs.join('\n')).toContain(path.join(dir, ''));
  });

  it('reports an outbox it cannot write as a clear error', async () => {
    const blocker = path.join(workDir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const mailer = createMailer(mailConfigOf({ outboxDir: path.join(blocker, 'outbox') }));
    try {
      await expect(mailer.send({ to: ['a@example.com'], subject: 's', text: 't' })).rejects.toThrow(OutboxWriteError);
    } finally {
      mailer.close();
    }
  });
});
