import type { ExecutionFacts, ExecutionFactsCache } from '../../control/run-history.ts';

/**
 * The facts of closed executions, the most recently used `capacity` of them. A fact set may hold
 * a whole recorded plan (thousands of tasks), hence the bound.
 */
export class ExecutionFactsLru implements ExecutionFactsCache {
  private readonly entries = new Map<string, ExecutionFacts>();

  constructor(private readonly capacity = 64) {}

  get(executionRunId: string): ExecutionFacts | undefined {
    const found = this.entries.get(executionRunId);
    if (found) {
      this.entries.delete(executionRunId);
      this.entries.set(executionRunId, found);
    }
    return found;
  }

  set(executionRunId: string, facts: ExecutionFacts): void {
    this.entries.delete(executionRunId);
    this.entries.set(executionRunId, facts);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
