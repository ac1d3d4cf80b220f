/**
 * The authoring API: what `import { dag } from 'weir'` gives a DAG file.
 */
export { dag, isDag, Dag } from './dag.ts';
export type { TaskSpec, MapSpec, ApprovalSpec } from './dag.ts';
export type { DagConfig, TaskOptions, ParamsSchema, DagCallbacks, RunCallback } from './definition.ts';
export type { TaskContext, TaskLogger, ApprovalResult, WeirServices } from './context.ts';
export { DagValidationError, InvalidParamsError, NonRetryableError, OutputTooLargeError, formatProblem } from './errors.ts';
export type { DagProblem } from './errors.ts';
export { compilePlan, checkDag } from './compile.ts';
export { loadDagFolder, loadDagFiles, loadDagPlans, loadDagPlanFiles, importProvenDag, importProvenDags, findDagFiles, dagCacheDir } from './load.ts';
export type { DagCatalog, LoadedDag, DagPlanCatalog, DagPlanEntry, LoadOptions } from './load.ts';
export type { DagLoadLimits } from './load-isolated.ts';
export { validateParams } from './params.ts';
export { nextCronTime, previousCronTime, cronTimesBetween } from './cron.ts';
export type { Plan, PlanTask, TriggerRule, TaskState, RunInfo, RunSnapshot, RunEvent, RunEventType } from '../plan/types.ts';
export { TRIGGER_RULES } from '../plan/types.ts';
