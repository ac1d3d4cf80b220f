import type { CallbackInput, RunEventType } from '../plan/types.ts';
import type { DagCallbacks } from '../sdk/definition.ts';
import type { WeirServices } from '../sdk/services.ts';
import { requireDag, type DagRegistry } from './dag-registry.ts';

const HANDLER: Record<RunEventType, keyof DagCallbacks> = {
  failure: 'onFailure',
  success: 'onSuccess',
  drift: 'onDrift',
  promotion: 'onPromotion',
  rejection: 'onRejection',
};

/** Delivers one run event to the DAG's callback. A throw retries this activity only. */
export function createCallbackRunner(registry: DagRegistry, services: WeirServices) {
  return async function runCallback(input: CallbackInput): Promise<void> {
    const callback = requireDag(registry, input.dagId).dag.config.callbacks?.[HANDLER[input.event.type]];
    if (callback) await callback(input.event, services);
  };
}
