/** Operators that move models through the registry from inside a DAG. */
export { registerModel, type RegisterModelOptions, type RegisteredModel } from './register.ts';
export { promote, rollback, type PromoteOptions, type RollbackOptions, type ProductionChange, type PromotionEvidence } from './promote.ts';
export { callDeployHook, DeployHookError, type DeployHook, type DeployPayload } from './deploy-hook.ts';
export { taskIdempotencyKey } from './task-options.ts';
export { failFastOnRegistryError } from './non-retryable.ts';
