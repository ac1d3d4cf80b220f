/**
 * The ML operators: what `import { ... } from 'weir/ops'` gives a DAG file. Each returns a task
 * body, so it plugs into `.task(id, { needs }, operator({...}))` with typed `ctx.outputs`.
 */
export { validateData, validateFile } from './data-validation/index.ts';
export { detectDrift, computeBaseline, saveBaseline, findBaseline, loadBaseline, linkBaseline, checkDrift } from './drift/index.ts';
export type { DriftSummary, DetectDriftOptions } from './drift/index.ts';
export { train, localProcessRunner, dockerRunner, kubernetesRunner } from './training/index.ts';
export type { TrainOptions, TrainResult, ContainerRunner } from './training/index.ts';
export { evaluate, evaluateGate, localProcessEvaluation } from './evaluate/index.ts';
export type { EvaluateOptions, EvaluationOutcome, GateConfig, GateResult } from './evaluate/index.ts';
export { registerModel, promote, rollback } from './promotion/index.ts';
export type { RegisteredModel, ProductionChange } from './promotion/index.ts';
export { email, emailOn, notifyOnDrift, notifyOnFailure, notifyOnPromotion, notifyOnRejection, notifyOnSuccess } from './notify/index.ts';
export { runUrl, OperatorRuntimeMissingError } from './runtime.ts';
export type { OperatorRuntime } from './runtime.ts';
export type { WeirServices } from '../sdk/services.ts';
export { withLocalCopy } from '../artifacts/local-copy.ts';
