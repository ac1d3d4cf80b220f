import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../sdk/errors.ts';
import { EventDetailsError, parseWeirEvent } from './parse-event.ts';
import { RUN } from './test-fixtures.ts';

describe('parseWeirEvent', () => {
  it('reads the failure details the engine sends', () => {
    const event = parseWeirEvent({ type: 'failure', run: RUN, taskId: 'train', details: { failedTasks: [{ id: 'train', error: null, attempts: 3 }] } });
    expect(event).toEqual({ type: 'failure', run: RUN, taskId: 'train', details: { failedTasks: [{ id: 'train', error: null, attempts: 3 }] } });
  });

  it('reads what the promotion and evaluation operators emit, filling missing lists', () => {
    const promotion = parseWeirEvent({
      type: 'promotion',
      run: RUN,
      details: { model: 'churn', version: 3, previousVersion: 2, metrics: [{ metric: 'auc', champion: null, challenger: 0.8, higherIsBetter: true }], reasons: ['ok'] },
    });
    expect(promotion.details).toMatchObject({ model: 'churn', version: 3, previousVersion: 2, reasons: ['ok'] });
    const rejection = parseWeirEvent({ type: 'rejection', run: RUN, details: { model: 'churn', version: '4' } });
    expect(rejection.details).toEqual({ model: 'churn', version: '4', metrics: [], reasons: [] });
  });

  it('accepts `columns` for drifted columns and works out the share from columnsChecked', () => {
    const event = parseWeirEvent({ type: 'drift', run: RUN, details: { columns: ['temp_max'], columnsChecked: 4, reportUri: 'file:///r.html' } });
    expect(event.details).toEqual({ driftedColumns: ['temp_max'], share: 0.25, columnsChecked: 4, reportUri: 'file:///r.html' });
  });

  it('names the missing or wrong field, as a non-retryable error', () => {
    let error: unknown;
    try {
      parseWeirEvent({ type: 'promotion', run: RUN, details: { version: 3, metrics: [{ metric: 'auc', challenger: 'high' }] } });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(EventDetailsError);
    expect(error).toBeInstanceOf(NonRetryableError);
    const issues = (error as EventDetailsError).issues.join('\n');
    expect(issues).toMatch(/^model: /m);
    expect(issues).toMatch(/^metrics\.0\.challenger: /m);
    expect(() => parseWeirEvent({ type: 'drift', run: RUN, details: { columns: ['a'] } })).toThrow(/share: give the share/);
    expect(() => parseWeirEvent({ type: 'drift', run: RUN, details: {} })).toThrow(/driftedColumns: the list of drifted columns is missing/);
  });

  it('refuses an unknown event type, listing the known ones', () => {
    expect(() => parseWeirEvent({ type: 'retry', run: RUN, details: {} })).toThrow('unknown event type (known: failure, success, drift, promotion, rejection)');
  });
});
