import { runDag } from './run-dag.ts';

export { weirMapBatch } from './map-batch.ts';
// Only workflow functions are exported by name: each becomes a workflow type a DAG id cannot use.
export { runStateQuery, taskOutputsQuery, approveUpdate, clearUpdate } from './run-dag.ts';

/** Default workflow: serves every workflow type, so the type names the DAG to run. */
export default runDag;
