import type { Plan } from '../plan/types.ts';
import type { DagProblem } from './errors.ts';

/** Parent -> child: the compiled modules to evaluate, in order. */
export interface ChildRequest {
  modules: DagModuleRef[];
  /** Import them all at once and answer with one `batch` (fast); else one by one, one `done` each. */
  together: boolean;
}

/** A compiled module to run: a DAG file's own module, or its loader in a bundle of many files. */
export interface DagModuleRef {
  modulePath: string;
  name: string;
  /** Set when `modulePath` is a bundle (see load-bundle.ts): the file is `loaders[loaderIndex]()`. */
  loaderIndex?: number;
}

/** Child -> parent: `ready` once, then one `done` per module in order. */
export type ChildMessage =
  | { type: 'ready' }
  | ({ type: 'done'; index: number } & EvaluatedDagModule)
  /** Every module's result, as the JSON text of an `EvaluatedDagModule[]`: plans are plain JSON, and one string crosses the channel far cheaper than a thousand structured-cloned plans. */
  | { type: 'batch'; resultsJson: string };

/** What running one DAG module gave: its plan, or why it has none. */
export interface EvaluatedDagModule {
  plan?: Plan;
  problems: DagProblem[];
  /** Whether the DAG declares a params schema; a trigger of one that does not needs no import to check params. */
  takesParams?: boolean;
  /** Set when the file overran this time limit: a later load with a longer limit runs it again rather than reuse the result. */
  timedOutAfterMs?: number;
}
