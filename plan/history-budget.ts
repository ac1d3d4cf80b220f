import { DEFAULT_MAP_BATCH_SIZE, type PlanTask } from './types.ts';

/**
 * Events one task may add to its run's history: activity scheduled, started and completed,
 * and a workflow task (scheduled, started, completed) when its completion wakes the run alone.
 * Runs measure about 3.3 per task; the budget counts the worst case so no history passes it.
 */
export const EVENTS_PER_ACTIVITY = 6;
/** An approval: the update's accepted and completed events, its timer, and workflow tasks. */
export const EVENTS_PER_APPROVAL = 10;

/**
 * Events kept free in every execution for what is not a task: updates (approve, clear) and
 * the workflow task that closes the execution or continues it as new.
 */
export const RESERVED_EVENTS = 20;

/**
 * The most events a task can add to the run's own history once started. A mapped task of more
 * than its batch size runs its items in child workflows, whose events land in their own histories.
 */
export function historyCostOf(task: PlanTask, mapItems = 0): number {
  if (task.kind === 'approval') return EVENTS_PER_APPROVAL;
  if (task.kind !== 'map') return EVENTS_PER_ACTIVITY;
  const batchSize = task.mapBatchSize ?? DEFAULT_MAP_BATCH_SIZE;
  const activities = mapItems <= batchSize ? mapItems : Math.ceil(mapItems / batchSize);
  return Math.max(1, activities) * EVENTS_PER_ACTIVITY;
}

/**
 * Keeps one workflow execution's history under `maxEvents`: a task starts only when the events
 * recorded so far, plus the most the tasks still running can add, plus its own cost (and
 * `RESERVED_EVENTS`) fit. The
 * first task of an execution always starts, so a run makes progress whatever one task costs.
 * Pure: the interpreter gives it the history length Temporal reports.
 */
export class HistoryBudget {
  #inFlight = 0;
  #started = 0;
  #disabled = false;

  constructor(readonly maxEvents: number) {}

  admits(cost: number, historyLength: number): boolean {
    return this.#disabled || this.#started === 0 || historyLength + this.#inFlight + cost + RESERVED_EVENTS <= this.maxEvents;
  }

  /** Counts a started task; call the returned function when it settles. */
  reserve(cost: number): () => void {
    this.#inFlight += cost;
    this.#started++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight -= cost;
    };
  }

  /** Admits every task from now on (the run cannot continue as new). */
  disable(): void {
    this.#disabled = true;
  }

  get inFlight(): number {
    return this.#inFlight;
  }
}
