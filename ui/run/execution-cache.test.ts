import { describe, expect, it } from 'vitest';
import type { ExecutionFacts } from '../../control/run-history.ts';
import { ExecutionFactsLru } from './execution-cache.ts';

const facts = (id: string): ExecutionFacts => ({ executionRunId: id, continues: null, closed: true, start: { identity: null, at: null, memo: {}, scheduledBy: null }, actions: [], plan: null });

describe('ExecutionFactsLru', () => {
  it('keeps the most recently used executions up to its capacity', () => {
    const cache = new ExecutionFactsLru(2);
    cache.set('a', facts('a'));
    cache.set('b', facts('b'));
    expect(cache.get('a')?.executionRunId).toBe('a');
    cache.set('c', facts('c'));
    // b was used least recently: it went.
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.executionRunId).toBe('a');
    expect(cache.get('c')?.executionRunId).toBe('c');
  });
});
