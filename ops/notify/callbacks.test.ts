import { describe, expect, it } from 'vitest';
import { dag } from '../../sdk/dag.ts';
import { compilePlan } from '../../sdk/compile.ts';
import { OperatorRuntimeMissingError } from '../runtime.ts';
import { emailOn, notifyOnDrift, notifyOnFailure } from './callbacks.ts';
import { email } from './email-operator.ts';
import { MailRecipientsError } from './errors.ts';
import { RUN } from './test-fixtures.ts';

describe('emailOn and notifyOn*', () => {
  it('fit the callbacks of a DAG, and the DAG compiles', () => {
    const definition = dag({
      id: 'churn_retrain',
      callbacks: { onFailure: emailOn({ to: ['ml-oncall@example.com'] }), onDrift: notifyOnDrift({ to: 'data@example.com' }) },
    }).task('notify', email({ to: 'ml@example.com', subject: (ctx) => `run ${ctx.run.runId}`, text: 'done' }));
    expect(compilePlan(definition, 'churn_retrain.ts').callbacks).toEqual(['failure', 'drift']);
  });

  it('check recipients when the DAG file loads', () => {
    expect(() => emailOn({ to: [] })).toThrow(MailRecipientsError);
    expect(() => notifyOnFailure({ to: 'oncall' })).toThrow('"oncall" is not an email address');
    expect(() => email({ to: '', subject: 's', text: 't' })).toThrow(MailRecipientsError);
  });

  it('ignore event types they were not asked to mail, without touching the mailer', async () => {
    // No services are given: any attempt to send would throw.
    const none = undefined as unknown as Parameters<ReturnType<typeof notifyOnFailure>>[1];
    await expect(notifyOnFailure({ to: 'a@example.com' })({ type: 'drift', run: RUN, details: { columns: ['x'], share: 1 } }, none)).resolves.toBeUndefined();
    await expect(notifyOnFailure({ to: 'a@example.com' })({ type: 'failure', run: RUN, details: {} }, none)).rejects.toThrow(OperatorRuntimeMissingError);
  });
});
