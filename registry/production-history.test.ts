import { describe, expect, it } from 'vitest';
import { productionStack, rollbackTarget } from './production-history.ts';
import type { ModelTransition } from './types.ts';

type Step = Pick<ModelTransition, 'version' | 'fromStage' | 'toStage' | 'action'>;
const promote = (version: number, from: Step['fromStage'] = 'none'): Step => ({ version, fromStage: from, toStage: 'production', action: 'promote' });
const archiveBy = (version: number, action: Step['action']): Step => ({ version, fromStage: 'production', toStage: 'archived', action });
const rollbackTo = (version: number): Step => ({ version, fromStage: 'archived', toStage: 'production', action: 'rollback' });

describe('productionStack', () => {
  it('pushes each promotion and ignores the archiving that comes with it', () => {
    expect(productionStack([promote(1), archiveBy(1, 'promote'), promote(2), archiveBy(2, 'promote'), promote(3)])).toEqual([1, 2, 3]);
  });

  it('walks back on successive rollbacks instead of flipping between two versions', () => {
    const trail = [promote(1), archiveBy(1, 'promote'), promote(2), archiveBy(2, 'promote'), promote(3), archiveBy(3, 'rollback'), rollbackTo(2)];
    expect(productionStack(trail)).toEqual([1, 2]);
    expect(rollbackTarget(productionStack(trail), 2)).toBe(1);
  });

  it('pushes a rollback to a version that never served (rollback --to)', () => {
    expect(productionStack([promote(1), archiveBy(1, 'rollback'), rollbackTo(5)])).toEqual([1, 5]);
  });

  it('pops a version moved out of production by hand', () => {
    const trail = [promote(1), archiveBy(1, 'promote'), promote(2), archiveBy(2, 'transition')];
    expect(productionStack(trail)).toEqual([1]);
    expect(rollbackTarget(productionStack(trail), null)).toBe(1);
  });

  it('ignores registrations and other stage moves', () => {
    expect(productionStack([{ version: 1, fromStage: null, toStage: 'none', action: 'register' }, { version: 1, fromStage: 'none', toStage: 'staging', action: 'transition' }])).toEqual([]);
  });
});

describe('rollbackTarget', () => {
  it('is the entry below the current version', () => {
    expect(rollbackTarget([1, 2, 3], 3)).toBe(2);
  });

  it('is undefined when nothing served before', () => {
    expect(rollbackTarget([1], 1)).toBeUndefined();
    expect(rollbackTarget([], null)).toBeUndefined();
  });

  it('never returns the current version, even when the trail and the table disagree', () => {
    expect(rollbackTarget([1, 2], 7)).toBe(2);
    expect(rollbackTarget([2, 1, 2], 2)).toBe(1);
  });
});
