import type { Plan } from '../plan/types.ts';
import type { DagProblem } from './errors.ts';

/** Parent -> child: the compiled modules to evaluate, in order. */
export interface ChildRequest {
  modules: { modulePath: string; name: string }[];
  /** Import them all at once and answer with one `batch` (fast); else one by one, one `done` each. */
  together: boolean;
}

/** Child -> parent: `ready` once, then one `done` per module in order. */
export type ChildMessage =
  | { type: 'ready' }
  | ({ type: 'done'; index: number } & EvaluatedDagModule)
  | { type: 'batch'; results: EvaluatedDagModule[] };

/** What running one DAG module gave: its plan, or why it has none. */
export interface EvaluatedDagModule {
  plan?: Plan;
  problems: DagProblem[];
  /** Whether the DAG declares a params schema; a trigger of one that does not needs no import to check params. */
  takesParams?: boolean;
}
