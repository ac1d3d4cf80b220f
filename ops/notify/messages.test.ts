import { describe, expect, it } from 'vitest';
import type { WeirEvent } from './events.ts';
import { driftEmail, eventEmail, failureEmail, promotionEmail, rejectionEmail, successEmail, unreadableEventEmail } from './messages.ts';
import { LINKS, RUN, RUN_LINK } from './test-fixtures.ts';

describe('failureEmail', () => {
  it('names the DAG, the run, the task and the error, and links to the run', () => {
    const email = failureEmail({ type: 'failure', run: RUN, taskId: 'train', details: { error: 'CUDA out of memory\n  at train.py:42', attempts: 3 } }, LINKS);
    expect(email.subject).toBe('[weir] FAILED churn_retrain.train (run churn_retrain-manual-20261126T1000)');
    expect(email.text).toContain('Task train failed in run churn_retrain-manual-20261126T1000 of DAG churn_retrain.');
    expect(email.text).toMatch(/DAG: +churn_retrain/);
    expect(email.text).toMatch(/Task: +train/);
    expect(email.text).toMatch(/Attempts: +3/);
    expect(email.text).toContain('    CUDA out of memory\n      at train.py:42');
    expect(email.text).toContain(RUN_LINK);
    expect(email.html).toContain(`<a href="${RUN_LINK}">Open the run in the Temporal UI</a>`);
    expect(email.html).toContain('CUDA out of memory');
  });

  it('reads the engine shape: failedTasks, with the event task first and all of them listed', () => {
    const email = failureEmail(
      {
        type: 'failure',
        run: RUN,
        taskId: 'train',
        details: { failedTasks: [{ id: 'train', error: 'exit code 137', attempts: 2 }, { id: 'export', error: 'disk full\nmore', attempts: 1 }] },
      },
      LINKS,
    );
    expect(email.text).toContain('    exit code 137');
    expect(email.text).toMatch(/Attempts: +2/);
    expect(email.text).toContain('- train (2 attempts): exit code 137');
    expect(email.text).toContain('- export (1 attempts): disk full');
    expect(email.text).not.toContain('more');
  });

  it('words a run failure without a task', () => {
    const email = failureEmail({ type: 'failure', run: RUN, details: {} }, LINKS);
    expect(email.subject).toBe('[weir] FAILED run churn_retrain-manual-20261126T1000 of churn_retrain');
    expect(email.text).toContain('no error message was recorded');
    expect(email.text).not.toContain('Task:');
  });

  it('hides connection-string passwords quoted in the error', () => {
    const email = failureEmail({ type: 'failure', run: RUN, taskId: 'load', details: { error: 'connect postgres://weir:pg-secret@db/weir refused' } }, LINKS);
    expect(email.text).toContain('postgres://weir:***@db/weir');
    expect(`${email.text}${email.html}`).not.toContain('pg-secret');
  });

  it('cuts a huge error short', () => {
    const email = failureEmail({ type: 'failure', run: RUN, taskId: 'load', details: { error: 'x'.repeat(50_000) } }, LINKS);
    expect(email.text.length).toBeLessThan(6000);
    expect(email.text).toContain('(46000 more characters)');
  });

  it('escapes HTML in everything it quotes', () => {
    const email = failureEmail({ type: 'failure', run: { ...RUN, dagId: '<b>dag</b>' }, taskId: 't"1', details: { error: '<script>alert(1)</script>' } }, LINKS);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('&lt;b&gt;dag&lt;/b&gt;');
    expect(email.html).toContain('t&quot;1');
  });
});

describe('driftEmail', () => {
  const event = {
    type: 'drift',
    run: RUN,
    taskId: 'check_drift',
    details: { driftedColumns: ['tenure', 'monthly_charges'], share: 0.25, columnsChecked: 8, threshold: 0.2, reportUri: 'file:///srv/weir/artifacts/runs/r1/drift.html' },
  } as const;

  it('lists the drifted columns, the share and links the HTML report', () => {
    const email = driftEmail({ ...event, details: { ...event.details, driftedColumns: [...event.details.driftedColumns] } }, LINKS);
    expect(email.subject).toBe('[weir] Drift detected in churn_retrain: 2 columns (25%)');
    expect(email.text).toContain('2 of 8 columns drifted (25%, threshold 20%)');
    expect(email.text).toContain('- tenure\n- monthly_charges');
    expect(email.text).toContain('Drift report (HTML):\nfile:///srv/weir/artifacts/runs/r1/drift.html');
    expect(email.html).toContain('<a href="file:///srv/weir/artifacts/runs/r1/drift.html">Drift report (HTML)</a>');
    expect(email.text).toContain(RUN_LINK);
  });

  it('does not make a clickable link of a script URI', () => {
    const email = driftEmail({ type: 'drift', run: RUN, details: { driftedColumns: ['a'], share: 1, reportUri: 'javascript:alert(1)' } }, LINKS);
    expect(email.html).not.toContain('href="javascript:');
    expect(email.subject).toBe('[weir] Drift detected in churn_retrain: 1 column (100%)');
  });
});

describe('promotionEmail', () => {
  it('names model and version, compares champion with challenger, and gives the reasons', () => {
    const email = promotionEmail(
      {
        type: 'promotion',
        run: RUN,
        taskId: 'promote',
        details: {
          model: 'churn',
          version: 7,
          previousVersion: 6,
          metrics: [
            { metric: 'auc', champion: 0.81, challenger: 0.83, higherIsBetter: true },
            { metric: 'log_loss', champion: 0.42, challenger: 0.45, higherIsBetter: false },
          ],
          reasons: ['auc 0.83 >= threshold 0.8'],
        },
      },
      LINKS,
    );
    expect(email.subject).toBe('[weir] Promoted churn v7 to production (churn_retrain)');
    expect(email.text).toContain('Model churn version 7 is now in production, replacing version 6.');
    expect(email.text).toMatch(/Metric +Champion +Challenger +Change/);
    expect(email.text).toMatch(/auc +0\.81 +0\.83 +\+0\.02 \(\+2\.5%\), better/);
    expect(email.text).toMatch(/log_loss +0\.42 +0\.45 +\+0\.03 \(\+7\.1%\), worse/);
    expect(email.text).toContain('- auc 0.83 >= threshold 0.8');
    expect(email.html).toContain('<th style="text-align:left;padding:2px 12px 2px 0;vertical-align:top">Champion</th>');
  });

  it('says so when there was no champion', () => {
    const email = promotionEmail(
      { type: 'promotion', run: RUN, details: { model: 'churn', version: '1', metrics: [{ metric: 'auc', champion: null, challenger: 0.8 }], reasons: [] } },
      LINKS,
    );
    expect(email.text).toContain('is now in production. It is the first production version.');
    expect(email.text).toMatch(/auc +— +0\.8 +no champion yet/);
    expect(email.text).toContain('- (none given)');
  });
});

describe('rejectionEmail', () => {
  it('puts the gate reasons first, then the comparison', () => {
    const email = rejectionEmail(
      {
        type: 'rejection',
        run: RUN,
        taskId: 'evaluate',
        details: { model: 'churn', version: 8, metrics: [{ metric: 'auc', champion: 0.83, challenger: 0.79, higherIsBetter: true }], reasons: ['auc 0.79 < champion 0.83 + 0.01'] },
      },
      LINKS,
    );
    expect(email.subject).toBe('[weir] Rejected churn v8: production unchanged (churn_retrain)');
    expect(email.text).toContain('did not pass the promotion gate. Production is unchanged.');
    expect(email.text.indexOf('Gate reasons')).toBeLessThan(email.text.indexOf('Champion vs challenger'));
    expect(email.text).toMatch(/auc +0\.83 +0\.79 +-0\.04 \(-4\.8%\), worse/);
    expect(email.text).toContain(RUN_LINK);
  });
});

describe('eventEmail', () => {
  it('picks the builder by event type', () => {
    const events: WeirEvent[] = [
      { type: 'failure', run: RUN, details: { error: 'x' } },
      { type: 'success', run: RUN, details: { tasks: 4 } },
      { type: 'drift', run: RUN, details: { driftedColumns: [], share: 0 } },
      { type: 'promotion', run: RUN, details: { model: 'm', version: 1, metrics: [], reasons: [] } },
      { type: 'rejection', run: RUN, details: { model: 'm', version: 2, metrics: [], reasons: [] } },
    ];
    expect(events.map((event) => eventEmail(event, LINKS).subject.split(' ')[1])).toEqual(['FAILED', 'Run', 'Drift', 'Promoted', 'Rejected']);
  });

  it('gives success a short message', () => {
    expect(successEmail({ type: 'success', run: RUN, details: { tasks: 4 } }, LINKS).text).toContain('succeeded (4 tasks).');
  });

  it('still reports an event with unreadable details, raw details included', () => {
    const email = unreadableEventEmail({ type: 'drift', run: RUN, taskId: 'check', details: { cols: ['a'], dsn: 'smtp://u:pw123@h' } }, 'driftedColumns: missing', LINKS);
    expect(email.subject).toBe('[weir] drift event in churn_retrain (run churn_retrain-manual-20261126T1000)');
    expect(email.text).toContain('"cols"');
    expect(email.text).not.toContain('pw123');
    expect(email.text).toContain(RUN_LINK);
  });
});
