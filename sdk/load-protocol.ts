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
  | { type: 'done'; index: number; plan?: Plan; problems: DagProblem[] }
  | { type: 'batch'; results: { plan?: Plan; problems: DagProblem[] }[] };
