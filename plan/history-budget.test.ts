import { describe, expect, it } from 'vitest';
import { EVENTS_PER_ACTIVITY, EVENTS_PER_APPROVAL, HistoryBudget, historyCostOf, RESERVED_EVENTS } from './history-budget.ts';
import type { PlanTask } from './types.ts';

const options = { retries: 0, retryDelayMs: 1000, backoffCoefficient: 2, timeoutMs: 60_000 };
const task = (kind: PlanTask['kind'], extra: Partial<PlanTask> = {}): PlanTask => ({ id: 'x', kind, needs: [], triggerRule: 'all_success', options, ...extra });

describe('historyCostOf', () => {
  it('counts one activity for a task or branch, and an approval its update and timer', () => {
    expect(historyCostOf(task('task'))).toBe(EVENTS_PER_ACTIVITY);
    expect(historyCostOf(task('branch'))).toBe(EVENTS_PER_ACTIVITY);
    expect(historyCostOf(task('approval'))).toBe(EVENTS_PER_APPROVAL);
  });

  it('counts a small fan-out by its items and a large one by its child workflows', () => {
    const map = task('map', { mapBatchSize: 100 });
    expect(historyCostOf(map, 0)).toBe(EVENTS_PER_ACTIVITY);
    expect(historyCostOf(map, 40)).toBe(40 * EVENTS_PER_ACTIVITY);
    expect(historyCostOf(map, 100)).toBe(100 * EVENTS_PER_ACTIVITY);
    expect(historyCostOf(map, 1001)).toBe(11 * EVENTS_PER_ACTIVITY);
  });
});

describe('HistoryBudget', () => {
  it('admits tasks while the history and what the running ones may add fit', () => {
    const budget = new HistoryBudget(100 + RESERVED_EVENTS);
    expect(budget.admits(6, 10)).toBe(true);
    const releases = Array.from({ length: 10 }, () => budget.reserve(6));
    expect(budget.inFlight).toBe(60);
    expect(budget.admits(6, 34)).toBe(true);
    expect(budget.admits(6, 35)).toBe(false);
    releases[0]?.();
    releases[0]?.();
    expect(budget.inFlight).toBe(54);
    expect(budget.admits(6, 40)).toBe(true);
    expect(budget.admits(6, 41)).toBe(false);
  });

  it('always admits the first task of an execution, so a run moves on whatever a task costs', () => {
    const budget = new HistoryBudget(50 + RESERVED_EVENTS);
    expect(budget.admits(600, 40)).toBe(true);
    budget.reserve(600)();
    expect(budget.admits(6, 44)).toBe(true);
    expect(budget.admits(6, 45)).toBe(false);
  });

  it('admits everything once disabled', () => {
    const budget = new HistoryBudget(10);
    budget.reserve(6);
    expect(budget.admits(6, 10)).toBe(false);
    budget.disable();
    expect(budget.admits(6_000, 10_000)).toBe(true);
  });
});
